// The Datasets page: the imported datasets, a preview of the selected one as conversations, its statistics
// and validation report; import by drag-and-drop or the Import button; rename, export and delete.
#pragma once

#include "pages/Page.h"
#include "pages/PageTask.h"

#include <QFuture>
#include <QStringList>

#include <memory>

class QLabel;
class QPushButton;
class QTableView;
class QTabWidget;

namespace mtm::core {
class AppCore;
class DatasetCatalog;
class DatasetImporter;
struct DatasetInfo;
} // namespace mtm::core

namespace mtm::ui {

class DatasetTableModel;
class ProblemTableModel;
class RecordPreview;

class DatasetsPage : public Page
{
    Q_OBJECT
public:
    explicit DatasetsPage(core::AppCore &core, QWidget *parent = nullptr);

    void refresh() override;

    // Imports the files one after the other, each through an import dialog.
    void importFiles(const QStringList &paths);
    void selectDataset(qint64 id);
    qint64 selectedDatasetId() const; // 0 when none

    static constexpr int kPreviewPageSize = 20;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QWidget *createDetails();
    void chooseFilesToImport();
    void importNext();
    void showSelected();
    void updateActions();
    void showPreviewPage(qint64 first);
    void renameSelected();
    void exportSelected();
    void deleteSelected();
    const core::DatasetInfo *selected() const;

    core::DatasetCatalog &m_catalog;
    core::DatasetImporter &m_importer;
    DatasetTableModel *m_model;
    QTableView *m_table;
    QTabWidget *m_details;
    RecordPreview *m_preview;
    QLabel *m_previewPosition;
    QPushButton *m_previous;
    QPushButton *m_next;
    qint64 m_previewFirst = 0;
    QLabel *m_statistics;
    QLabel *m_validationSummary;
    ProblemTableModel *m_problemModel;
    QTableView *m_problems;
    QPushButton *m_rename;
    QPushButton *m_exportButton;
    QPushButton *m_delete;
    QLabel *m_dropOverlay;
    QStringList m_pendingImports;
    bool m_importing = false;
    PageTask m_task{this, [this] { updateActions(); }}; // an export
};

} // namespace mtm::ui
