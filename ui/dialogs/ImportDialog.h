// Imports one file: checks it in the background (progress, time left, Cancel), shows what was found — the
// record type and field mapping (changeable), the counts and every problem with its location — and stores
// the dataset when the user confirms, with or without the records that have problems or repeat.
#pragma once

#include "data/DatasetImporter.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QFutureWatcher>

#include <atomic>
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

namespace mtm::ui {

class ProblemTableModel;

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
    struct CheckOutcome
    {
        std::shared_ptr<core::PreparedImport> prepared;
        QString error;
        bool cancelled = false;
    };
    struct StoreOutcome
    {
        core::DatasetInfo dataset;
        QString error;
    };

    QWidget *createCheckingPage();
    QWidget *createReviewPage();
    QWidget *createFailedPage();
    void startCheck(std::optional<core::FieldMapping> mapping);
    void showProgress(qint64 done, qint64 total);
    void checkFinished();
    void showReview();
    void rebuildMappingRows();
    std::optional<core::FieldMapping> chosenMapping() const;
    void mappingEdited();
    void startStore();
    void storeFinished();
    void fail(const QString &message);

    QString m_path;
    core::DatasetImporter &m_importer;
    std::shared_ptr<core::PreparedImport> m_prepared;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QFutureWatcher<CheckOutcome> m_checkWatcher;
    QFutureWatcher<StoreOutcome> m_storeWatcher;
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
