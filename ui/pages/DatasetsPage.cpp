#include "pages/DatasetsPage.h"

#include "AppCore.h"
#include "data/DatasetCatalog.h"
#include "dialogs/FileDialog.h"
#include "dialogs/ImportDialog.h"
#include "dialogs/InputDialog.h"
#include "dialogs/MessageBox.h"
#include "models/DatasetTableModel.h"
#include "models/ProblemTableModel.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"
#include "widgets/RecordPreview.h"

#include <QDragEnterEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace mtm::ui {
namespace {

QStringList localFiles(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            files << url.toLocalFile();
    }
    return files;
}

} // namespace

DatasetsPage::DatasetsPage(core::AppCore &core, QWidget *parent)
    : Page(parent)
    , m_catalog(core.datasets())
    , m_importer(core.importer())
    , m_model(new DatasetTableModel(this))
    , m_table(new QTableView(this))
    , m_details(new QTabWidget(this))
    , m_dropOverlay(new QLabel(this))
{
    setObjectName(QStringLiteral("datasetsPage"));
    setAcceptDrops(true);

    auto *header = new PageHeader(tr("Datasets"),
                                  tr("Your training data: CSV, JSON and JSONL files, every record checked before "
                                     "it is stored."),
                                  this);
    auto *importButton = new QPushButton(QIcon::fromTheme(QStringLiteral("document-import")), tr("Import…"), this);
    importButton->setObjectName(QStringLiteral("importDatasetButton"));
    connect(importButton, &QPushButton::clicked, this, &DatasetsPage::chooseFilesToImport);
    header->addAction(importButton);

    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/datasets.svg"), tr("No datasets yet"),
        tr("Drop a CSV, JSON or JSONL file on this page to import it. Every record is checked first, and any "
           "problem is listed with its line and field, so you can fix the file or import only the valid records."),
        this);
    empty->setObjectName(QStringLiteral("datasetsEmptyState"));
    auto *emptyImport = new QPushButton(tr("Import a File…"), empty);
    connect(emptyImport, &QPushButton::clicked, this, &DatasetsPage::chooseFilesToImport);
    empty->addAction(emptyImport);

    m_table->setObjectName(QStringLiteral("datasetsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(DatasetTableModel::Name, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(60);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setAlternatingRowColors(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DatasetsPage::showSelected);

    m_rename = new QPushButton(tr("Rename…"), this);
    m_rename->setObjectName(QStringLiteral("renameDatasetButton"));
    m_exportButton = new QPushButton(tr("Export…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportDatasetButton"));
    m_delete = new QPushButton(tr("Delete…"), this);
    m_delete->setObjectName(QStringLiteral("deleteDatasetButton"));
    connect(m_rename, &QPushButton::clicked, this, &DatasetsPage::renameSelected);
    connect(m_exportButton, &QPushButton::clicked, this, &DatasetsPage::exportSelected);
    connect(m_delete, &QPushButton::clicked, this, &DatasetsPage::deleteSelected);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_rename);
    actions->addWidget(m_exportButton);
    actions->addStretch();
    actions->addWidget(m_delete);

    auto *list = new QWidget(this);
    auto *listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_table, 1);
    listLayout->addLayout(actions);

    auto *content = new QSplitter(Qt::Horizontal, this);
    content->setObjectName(QStringLiteral("datasetsContent"));
    content->addWidget(list);
    content->addWidget(createDetails());
    content->setStretchFactor(0, 1);
    content->setStretchFactor(1, 1);
    content->setSizes({560, 640});

    setUp(header, empty, content);

    m_dropOverlay->setObjectName(QStringLiteral("dropOverlay"));
    m_dropOverlay->setAlignment(Qt::AlignCenter);
    m_dropOverlay->setStyleSheet(QStringLiteral("background: rgba(63, 111, 216, 0.12); border: 2px dashed #3f6fd8; "
                                                "border-radius: 10px; color: #2f5fc4; font-size: 16pt;"));
    m_dropOverlay->hide();

    refresh();
}

QWidget *DatasetsPage::createDetails()
{
    m_details->setObjectName(QStringLiteral("datasetDetails"));

    auto *records = new QWidget(m_details);
    m_preview = new RecordPreview(records);
    m_previewPosition = new QLabel(records);
    m_previewPosition->setObjectName(QStringLiteral("previewPosition"));
    m_previous = new QPushButton(tr("Previous"), records);
    m_next = new QPushButton(tr("Next"), records);
    connect(m_previous, &QPushButton::clicked, this, [this] { showPreviewPage(m_previewFirst - kPreviewPageSize); });
    connect(m_next, &QPushButton::clicked, this, [this] { showPreviewPage(m_previewFirst + kPreviewPageSize); });
    auto *pager = new QHBoxLayout;
    pager->addWidget(m_previewPosition, 1);
    pager->addWidget(m_previous);
    pager->addWidget(m_next);
    auto *recordsLayout = new QVBoxLayout(records);
    recordsLayout->addWidget(m_preview, 1);
    recordsLayout->addLayout(pager);
    m_details->addTab(records, tr("Records"));

    m_statistics = new QLabel(m_details);
    m_statistics->setObjectName(QStringLiteral("datasetStatistics"));
    m_statistics->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_statistics->setMargin(12);
    m_statistics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statistics->setWordWrap(true);
    m_details->addTab(m_statistics, tr("Statistics"));

    auto *validation = new QWidget(m_details);
    m_validationSummary = new QLabel(validation);
    m_validationSummary->setObjectName(QStringLiteral("validationSummary"));
    m_validationSummary->setWordWrap(true);
    m_problemModel = new ProblemTableModel(this);
    m_problems = new QTableView(validation);
    m_problems->setObjectName(QStringLiteral("validationProblems"));
    m_problems->setModel(m_problemModel);
    m_problems->verticalHeader()->hide();
    m_problems->horizontalHeader()->setStretchLastSection(true);
    auto *validationLayout = new QVBoxLayout(validation);
    validationLayout->addWidget(m_validationSummary);
    validationLayout->addWidget(m_problems, 1);
    validationLayout->addStretch(); // keeps the summary at the top when there is no problem to list
    m_details->addTab(validation, tr("Validation"));
    return m_details;
}

void DatasetsPage::refresh()
{
    const qint64 keep = selectedDatasetId();
    m_model->setDatasets(m_catalog.list());
    showEmptyState(m_model->rowCount() == 0);
    if (m_model->rowCount() > 0)
        selectDataset(keep && m_model->rowOf(keep) >= 0 ? keep : m_model->datasetAt(0)->id);
    else
        showSelected();
}

void DatasetsPage::selectDataset(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0)
        m_table->selectRow(row);
}

qint64 DatasetsPage::selectedDatasetId() const
{
    const core::DatasetInfo *dataset = selected();
    return dataset ? dataset->id : 0;
}

const core::DatasetInfo *DatasetsPage::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->datasetAt(rows.first().row());
}

void DatasetsPage::updateActions()
{
    const bool chosen = selected() != nullptr;
    m_rename->setEnabled(chosen);
    m_delete->setEnabled(chosen);
    m_exportButton->setEnabled(chosen && !m_task.isRunning());
}

void DatasetsPage::showSelected()
{
    const core::DatasetInfo *dataset = selected();
    updateActions();
    m_details->setEnabled(dataset != nullptr);
    if (!dataset) {
        m_preview->clear();
        m_statistics->clear();
        m_validationSummary->clear();
        m_problemModel->setProblems({});
        return;
    }
    showPreviewPage(0);

    const QLocale locale;
    const core::ValidationReport report = m_catalog.loadReport(dataset->id);
    const core::DatasetStatistics &stats = report.statistics;
    QString statistics = tr("<table cellspacing='6'>"
                            "<tr><td><b>Records</b></td><td>%1</td></tr>"
                            "<tr><td><b>Record type</b></td><td>%2</td></tr>"
                            "<tr><td><b>Characters per record</b></td><td>min %3 · mean %4 · max %5</td></tr>")
                             .arg(locale.toString(dataset->recordCount), schemaTitle(dataset->schema).toHtmlEscaped(),
                                  locale.toString(stats.minCharacters), locale.toString(stats.meanCharacters(), 'f', 1),
                                  locale.toString(stats.maxCharacters));
    if (stats.maxMessages > 0)
        statistics +=
            tr("<tr><td><b>Messages per conversation</b></td><td>min %1 · mean %2 · max %3</td></tr>")
                .arg(stats.minMessages)
                .arg(locale.toString(stats.records ? double(stats.totalMessages) / double(stats.records) : 0.0, 'f', 1))
                .arg(stats.maxMessages);
    statistics += tr("<tr><td><b>Left out at import</b></td><td>%1</td></tr>"
                     "<tr><td><b>Original file</b></td><td>%2 (%3, %4)</td></tr>"
                     "<tr><td><b>SHA-256</b></td><td><code>%5</code></td></tr>"
                     "<tr><td><b>Imported</b></td><td>%6</td></tr>"
                     "<tr><td><b>Folder</b></td><td>%7</td></tr></table>")
                      .arg(locale.toString(dataset->skippedCount), dataset->originalFileName.toHtmlEscaped(),
                           dataset->container.toUpper(), locale.formattedDataSize(dataset->bytes), dataset->sha256,
                           locale.toString(dataset->createdAt.toLocalTime(), QLocale::LongFormat),
                           dataset->directory.toHtmlEscaped());
    m_statistics->setText(statistics);

    QString summary = tr("<b>%1</b> was read as %2, %3, records as %4.")
                          .arg(report.fileName.toHtmlEscaped(), report.container.toUpper(), report.encoding,
                               report.mapping.toHtmlEscaped());
    for (const QString &note : report.notes)
        summary += QStringLiteral("<br>") + note.toHtmlEscaped();
    summary += report.errorCount() + report.warningCount() == 0
                   ? tr("<br>Every record passed the checks.")
                   : tr("<br>%1 errors (records left out) and %2 warnings.")
                         .arg(locale.toString(report.errorCount()), locale.toString(report.warningCount()));
    m_validationSummary->setText(summary);
    m_problemModel->setProblems(report.problems());
    m_problems->setVisible(!report.problems().isEmpty());
    m_problems->resizeColumnsToContents();
}

void DatasetsPage::showPreviewPage(qint64 first)
{
    const core::DatasetInfo *dataset = selected();
    if (!dataset)
        return;
    m_previewFirst = qBound<qint64>(0, first, qMax<qint64>(0, dataset->recordCount - 1));
    try {
        m_preview->showRecords(m_catalog.readRecords(dataset->id, m_previewFirst, kPreviewPageSize),
                               m_previewFirst + 1);
    } catch (const core::Error &error) {
        m_preview->setPlainText(error.message());
    }
    const qint64 last = qMin(dataset->recordCount, m_previewFirst + kPreviewPageSize);
    const QLocale locale;
    m_previewPosition->setText(
        tr("Records %1–%2 of %3")
            .arg(locale.toString(m_previewFirst + 1), locale.toString(last), locale.toString(dataset->recordCount)));
    m_previous->setEnabled(m_previewFirst > 0);
    m_next->setEnabled(last < dataset->recordCount);
}

void DatasetsPage::chooseFilesToImport()
{
    const QStringList files = FileDialog::openFiles(
        this, tr("Import Datasets"), tr("Datasets (*.csv *.tsv *.json *.jsonl *.ndjson);;All files (*)"));
    importFiles(files);
}

void DatasetsPage::importFiles(const QStringList &paths)
{
    m_pendingImports += paths;
    if (!m_importing)
        importNext();
}

void DatasetsPage::importNext()
{
    if (m_pendingImports.isEmpty()) {
        m_importing = false;
        return;
    }
    m_importing = true;
    auto *dialog = new ImportDialog(m_pendingImports.takeFirst(), m_importer, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this](qint64 id) {
        refresh();
        selectDataset(id);
    });
    connect(dialog, &QDialog::finished, this, &DatasetsPage::importNext);
    dialog->open();
}

void DatasetsPage::renameSelected()
{
    const core::DatasetInfo *dataset = selected();
    if (!dataset)
        return;
    const qint64 id = dataset->id;
    const std::optional<QString> name = InputDialog::text(this, tr("Rename Dataset"), tr("New name:"), dataset->name);
    if (!name)
        return;
    try {
        m_catalog.rename(id, *name);
    } catch (const core::Error &error) {
        MessageBox::warning(this, tr("Cannot Rename"), error.message());
    }
    refresh();
    selectDataset(id);
}

void DatasetsPage::exportSelected()
{
    if (!selected() || m_task.isRunning())
        return;
    const core::DatasetInfo dataset = *selected(); // a copy: the table may change while the file dialog is open
    const QString target = FileDialog::saveFile(this, tr("Export Dataset"), dataset.name + QStringLiteral(".jsonl"),
                                                tr("JSON Lines (*.jsonl)"));
    if (target.isEmpty())
        return;
    // Large datasets take a while: the progress, the time left and Cancel show after half a second.
    m_task.run(
        tr("Export Dataset"), tr("Exporting %1…").arg(dataset.name), QStringLiteral("exportProgress"),
        [&catalog = m_catalog, id = dataset.id, target](const core::Progress &progress, const auto &) {
            catalog.exportJsonl(id, target, progress);
        },
        [this, target, records = dataset.recordCount] {
            emit statusMessage(tr("Exported %Ln record(s) to %1.", nullptr, int(records)).arg(target));
        },
        [this](const core::Error &error) { MessageBox::warning(this, tr("Cannot Export"), error.message()); });
}

void DatasetsPage::deleteSelected()
{
    const core::DatasetInfo *dataset = selected();
    if (!dataset)
        return;
    const qint64 id = dataset->id;
    const auto answer = MessageBox::ask(
        this, QMessageBox::Question, tr("Delete Dataset"),
        tr("Delete the dataset \"%1\" (%2 records) and its files? The original file you imported is not touched.")
            .arg(dataset->name, QLocale().toString(dataset->recordCount)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel, {{QMessageBox::Yes, tr("Delete")}});
    if (answer != QMessageBox::Yes)
        return;
    try {
        m_catalog.remove(id);
    } catch (const core::Error &error) {
        MessageBox::warning(this, tr("Cannot Delete"), error.message());
    }
    refresh();
}

void DatasetsPage::dragEnterEvent(QDragEnterEvent *event)
{
    const QStringList files = localFiles(event->mimeData());
    if (files.isEmpty())
        return;
    event->acceptProposedAction();
    m_dropOverlay->setText(tr("Drop to import %n file(s)", nullptr, int(files.size())));
    m_dropOverlay->setGeometry(rect().adjusted(12, 12, -12, -12));
    m_dropOverlay->raise();
    m_dropOverlay->show();
}

void DatasetsPage::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_dropOverlay->hide();
    Page::dragLeaveEvent(event);
}

void DatasetsPage::dropEvent(QDropEvent *event)
{
    m_dropOverlay->hide();
    const QStringList files = localFiles(event->mimeData());
    if (files.isEmpty())
        return;
    event->acceptProposedAction();
    importFiles(files);
}

void DatasetsPage::resizeEvent(QResizeEvent *event)
{
    Page::resizeEvent(event);
    m_dropOverlay->setGeometry(rect().adjusted(12, 12, -12, -12));
}

} // namespace mtm::ui
