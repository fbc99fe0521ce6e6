// Imports one file: checks it in the background (progress, time left, Cancel), shows what was found — the
// record type and field mapping (changeable), the counts and every problem with its location — and stores
// the dataset when the user confirms, with or without the records that have problems or repeat.
#pragma once

#include "data/DatasetImporter.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QFuture>

#include <map>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTimer;

namespace mtm::ui {

class ProblemTableModel;
class TaskProgress;

class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDialog(const QString &path, core::DatasetImporter &importer, QWidget *parent = nullptr);
    ~ImportDialog() override; // cancels and waits for work in progress

    enum class Stage { Checking, Review, Storing, Failed };
    Stage stage() const;
    // The import button's text and state, for tests and screenshots.
    QPushButton *importButton() const { return m_importButton; }

    void reject() override;

signals:
    void imported(qint64 datasetId);

private:
    QWidget *createCheckingPage();
    QWidget *createReviewPage();
    QWidget *createFailedPage();
    void startCheck(std::optional<core::FieldMapping> mapping);
    void showProgress();
    void checkFinished(std::shared_ptr<core::PreparedImport> prepared);
    void showReview();
    void rebuildMappingRows();
    std::optional<core::FieldMapping> chosenMapping() const;
    void mappingEdited();
    void startStore();
    void storeFinished(const core::DatasetInfo &dataset);
    void fail(const QString &message);

    QString m_path;
    core::DatasetImporter &m_importer;
    std::shared_ptr<core::PreparedImport> m_prepared;
    std::shared_ptr<TaskProgress> m_checkProgress;
    QFuture<void> m_checkTask;
    QFuture<void> m_storeTask;
    QTimer *m_progressTimer;
    QElapsedTimer m_elapsed;
    Stage m_stage = Stage::Checking;
    bool m_mappingEdited = false;

    QStackedWidget *m_stages;
    QLabel *m_checkingLabel;
    QProgressBar *m_progress;
    QLabel *m_timeLeft;
    QLabel *m_summary;
    QComboBox *m_schema;
    QFormLayout *m_mappingForm;
    std::map<core::FieldRole, QComboBox *> m_fieldCombos;
    QLabel *m_mappingNote;
    QPushButton *m_checkAgain;
    QLabel *m_counts;
    ProblemTableModel *m_problemModel;
    QTableView *m_problems;
    QCheckBox *m_dropDuplicates;
    QLineEdit *m_name;
    QLabel *m_failure;
    QPushButton *m_importButton;
    QPushButton *m_cancelButton;
};

} // namespace mtm::ui
