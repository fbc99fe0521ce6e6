#include "pages/TrainingJobsPage.h"

#include "AppCore.h"
#include "Error.h"
#include "TimeLeft.h"
#include "data/DatasetCatalog.h"
#include "deploy/JobDownload.h"
#include "dialogs/FileDialog.h"
#include "dialogs/MessageBox.h"
#include "dialogs/NewJobDialog.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "models/JobTableModel.h"
#include "pages/JobArchiveDownload.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/JobAsk.h"
#include "widgets/JobChat.h"
#include "widgets/LossChart.h"
#include "widgets/PageHeader.h"
#include "widgets/ProgressDelegate.h"

#include <QCheckBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace mtm::ui {
namespace {

core::JobMetric metricOf(const engine::TrainingProgress &progress)
{
    core::JobMetric metric;
    metric.step = progress.step;
    if (progress.phase == engine::TrainingProgress::Phase::Training && progress.loss) {
        metric.loss = progress.loss;
        metric.learningRate = progress.learningRate;
    } else if (progress.phase == engine::TrainingProgress::Phase::Evaluating && progress.phaseFraction >= 1.0) {
        metric.evalLoss = progress.evalLoss;
    }
    return metric;
}

QString logText(const QVector<core::JobLogLine> &lines)
{
    QStringList text;
    for (const core::JobLogLine &line : lines)
        text << QStringLiteral("%1  %2").arg(line.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                                             line.message);
    return text.join(QLatin1Char('\n'));
}

} // namespace

TrainingJobsPage::TrainingJobsPage(core::AppCore &core, QWidget *parent)
    : Page(parent)
    , m_core(core)
    , m_model(new JobTableModel(this))
    , m_table(new QTableView(this))
    , m_details(new QTabWidget(this))
{
    setObjectName(QStringLiteral("trainingJobsPage"));

    auto *header = new PageHeader(tr("Training Jobs"),
                                  tr("Fine-tune a model on a dataset with QLoRA, fast LoRA or full fine-tuning, and "
                                     "follow its loss as it trains."),
                                  this);
    auto *newJob = new QPushButton(QIcon::fromTheme(QStringLiteral("list-add")), tr("New Job…"), this);
    newJob->setObjectName(QStringLiteral("newJobButton"));
    connect(newJob, &QPushButton::clicked, this, [this] { openNewJobDialog(); });
    header->addAction(newJob);

    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/training.svg"), tr("No training jobs yet"),
        tr("Choose a base model and a dataset, and the app fine-tunes it in the background: the loss is drawn as it "
           "trains, checkpoints are kept, and a job carries on after a restart."),
        this);
    empty->setObjectName(QStringLiteral("jobsEmptyState"));
    auto *emptyNewJob = new QPushButton(tr("New Job…"), empty);
    connect(emptyNewJob, &QPushButton::clicked, this, [this] { openNewJobDialog(); });
    empty->addAction(emptyNewJob);

    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(JobTableModel::Progress,
                                      new ProgressDelegate(JobTableModel::FractionRole, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(JobTableModel::Name, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(JobTableModel::Progress, QHeaderView::Fixed);
    m_table->horizontalHeader()->resizeSection(JobTableModel::Progress, 150);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showSelected();
        updateActions();
    });

    const auto button = [this](const QString &text, const char *name) {
        auto *button = new QPushButton(text, this);
        button->setObjectName(QLatin1String(name));
        return button;
    };
    m_cancel = button(tr("Cancel Job"), "cancelJobButton");
    m_resume = button(tr("Resume"), "resumeJobButton");
    m_retry = button(tr("Retry"), "retryJobButton");
    m_duplicate = button(tr("Duplicate…"), "duplicateJobButton");
    m_delete = button(tr("Delete…"), "deleteJobButton");
    m_openFolder = button(tr("Open Folder"), "openJobFolderButton");
    m_download = button(tr("Download…"), "downloadJobButton");
    m_download->setToolTip(tr("Save the trained model as a .tar.gz archive"));
    m_resume->setToolTip(tr("Continue from the last checkpoint"));
    m_retry->setToolTip(tr("Run again from the beginning, as a new job with the same settings"));
    m_duplicate->setToolTip(tr("A new job with these settings, to change before it starts"));
    connect(m_cancel, &QPushButton::clicked, this, &TrainingJobsPage::cancelSelected);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        try {
            m_core.queue().resume(selectedJobId());
        } catch (const core::Error &error) {
            MessageBox::warning(this, tr("Cannot Resume"), error.message());
        }
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        try {
            selectJob(m_core.queue().retry(selectedJobId()).id);
        } catch (const core::Error &error) {
            MessageBox::warning(this, tr("Cannot Retry"), error.message());
        }
    });
    connect(m_duplicate, &QPushButton::clicked, this, [this] { openNewJobDialog(selectedJobId()); });
    connect(m_delete, &QPushButton::clicked, this, &TrainingJobsPage::deleteSelected);
    connect(m_download, &QPushButton::clicked, this, &TrainingJobsPage::downloadSelected);
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        if (const core::JobInfo *job = selected())
            QDesktopServices::openUrl(QUrl::fromLocalFile(job->directory));
    });
    auto *actions = new QHBoxLayout;
    for (QPushButton *action : {m_cancel, m_resume, m_retry, m_duplicate})
        actions->addWidget(action);
    actions->addStretch();
    actions->addWidget(m_download);
    actions->addWidget(m_openFolder);
    actions->addWidget(m_delete);

    auto *list = new QWidget(this);
    auto *listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_table, 1);
    listLayout->addLayout(actions);

    auto *content = new QSplitter(Qt::Vertical, this);
    content->setObjectName(QStringLiteral("jobsContent"));
    content->addWidget(list);
    content->addWidget(createDetails());
    content->setStretchFactor(0, 2);
    content->setStretchFactor(1, 3);

    setUp(header, empty, content);

    core::JobQueue &queue = m_core.queue();
    connect(&queue, &core::JobQueue::jobsChanged, this, &TrainingJobsPage::refresh);
    connect(&queue, &core::JobQueue::progressed, this, &TrainingJobsPage::onProgress);
    connect(&queue, &core::JobQueue::logged, this, &TrainingJobsPage::onLog);
    refresh();
}

QWidget *TrainingJobsPage::createDetails()
{
    m_details->setObjectName(QStringLiteral("jobDetails"));
    m_details->addTab(createProgressTab(), tr("Progress"));

    m_log = new QPlainTextEdit(m_details);
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(20000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->addTab(m_log, tr("Log"));

    m_summary = new QLabel(m_details);
    m_summary->setObjectName(QStringLiteral("jobSummary"));
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setMargin(12);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->addTab(m_summary, tr("Summary"));

    m_settings = new QPlainTextEdit(m_details);
    m_settings->setObjectName(QStringLiteral("jobSettings"));
    m_settings->setReadOnly(true);
    m_settings->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->addTab(m_settings, tr("Settings"));

    m_chat = new JobChat(m_core, m_details);
    m_details->addTab(m_chat, tr("Chat"));
    m_ask = new JobAsk(m_core, m_details);
    m_details->addTab(m_ask, tr("Ask"));
    return m_details;
}

QWidget *TrainingJobsPage::createProgressTab()
{
    auto *tab = new QWidget(m_details);
    m_figures = new QLabel(tab);
    m_figures->setObjectName(QStringLiteral("jobFigures"));
    m_figures->setWordWrap(true); // a long line of figures wraps rather than widening the window
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chart = new LossChart(tab);

    m_logScale = new QCheckBox(tr("Logarithmic"), tab);
    m_logScale->setObjectName(QStringLiteral("logScale"));
    connect(m_logScale, &QCheckBox::toggled, m_chart, &LossChart::setLogScale);
    auto *resetZoom = new QPushButton(tr("Reset Zoom"), tab);
    connect(resetZoom, &QPushButton::clicked, m_chart, &LossChart::resetZoom);
    m_compare = new QToolButton(tab);
    m_compare->setObjectName(QStringLiteral("compareJobs"));
    m_compare->setText(tr("Compare With"));
    m_compare->setPopupMode(QToolButton::InstantPopup);
    m_compare->setMenu(new QMenu(m_compare));
    connect(m_compare->menu(), &QMenu::aboutToShow, this, &TrainingJobsPage::fillCompareMenu);
    auto *exportPng = new QPushButton(tr("Export PNG…"), tab);
    connect(exportPng, &QPushButton::clicked, this, &TrainingJobsPage::exportChart);
    auto *exportCsv = new QPushButton(tr("Export CSV…"), tab);
    connect(exportCsv, &QPushButton::clicked, this, &TrainingJobsPage::exportLosses);
    auto *tools = new QHBoxLayout;
    tools->addWidget(m_figures, 1);
    for (QWidget *tool :
         {static_cast<QWidget *>(m_logScale), static_cast<QWidget *>(resetZoom), static_cast<QWidget *>(m_compare),
          static_cast<QWidget *>(exportPng), static_cast<QWidget *>(exportCsv)})
        tools->addWidget(tool);

    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(tools);
    layout->addWidget(m_chart, 1);
    return tab;
}

void TrainingJobsPage::refresh()
{
    const qint64 keep = selectedJobId();
    QHash<qint64, QString> names;
    for (const core::DatasetInfo &dataset : m_core.datasets().list())
        names.insert(dataset.id, dataset.name);
    const core::JobCatalog &jobs = m_core.jobs();
    m_model->setJobs(jobs.list(), names, jobs.latestLosses());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const qint64 id = m_model->jobAt(row)->id;
        if (const auto progress = m_core.queue().lastProgress(id); progress && m_core.queue().isRunningHere(id))
            m_model->updateProgress(id, *progress);
    }
    showEmptyState(m_model->rowCount() == 0);
    if (m_model->rowCount() > 0)
        selectJob(keep && m_model->rowOf(keep) >= 0 ? keep : m_model->jobAt(0)->id);
    showSelected();
    updateActions();
}

void TrainingJobsPage::selectJob(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0 && selectedJobId() != id)
        m_table->selectRow(row);
}

qint64 TrainingJobsPage::selectedJobId() const
{
    const core::JobInfo *job = selected();
    return job ? job->id : 0;
}

const core::JobInfo *TrainingJobsPage::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->jobAt(rows.first().row());
}

void TrainingJobsPage::showSelected()
{
    const core::JobInfo *job = selected();
    m_details->setEnabled(job != nullptr);
    if (!job) {
        m_shownJob = 0;
        m_shownState = -1;
        m_chart->setMetrics({});
        m_log->clear();
        m_summary->clear();
        m_settings->clear();
        m_figures->clear();
        return;
    }
    const core::JobCatalog &jobs = m_core.jobs();
    const bool runningElsewhere = job->state == core::JobState::Running && !m_core.queue().isRunningHere(job->id);
    if (job->id == m_shownJob && int(job->state) != m_shownState) // live points are a sample; now draw them all
        m_chart->setMetrics(jobs.metrics(job->id));
    m_shownState = int(job->state);
    if (job->id != m_shownJob) {
        m_shownJob = job->id;
        m_chart->clearOverlays();
        m_chart->setMetrics(jobs.metrics(job->id));
        const QVector<core::JobLogLine> lines = jobs.log(job->id);
        m_log->setPlainText(logText(lines));
        m_shownLogLine = lines.isEmpty() ? 0 : lines.constLast().line;
        QFile settings(job->directory + QStringLiteral("/job.json"));
        m_settings->setPlainText(settings.open(QIODevice::ReadOnly) ? QString::fromUtf8(settings.readAll())
                                                                    : job->error);
        m_figures->clear();
    } else if (runningElsewhere) {
        // Run by the command line or another window: its figures arrive through the store.
        m_chart->setMetrics(jobs.metrics(job->id));
        const QVector<core::JobLogLine> lines = jobs.log(job->id, m_shownLogLine);
        if (!lines.isEmpty()) {
            m_log->appendPlainText(logText(lines));
            m_shownLogLine = lines.constLast().line;
        }
    }
    if (const auto progress = m_core.queue().lastProgress(job->id))
        showFigures(*progress);
    else if (job->totalSteps > 0)
        m_figures->setText(tr("Step %1 of %2").arg(QLocale().toString(job->step), QLocale().toString(job->totalSteps)));
    showSummary(*job);
    // A fine-tune's model is talked to; a RAG job's index is asked (and its generator talked to, when it has one).
    const bool rag = job->request.type == core::TrainingType::Rag;
    const bool model = !job->modelFolder().isEmpty();
    m_details->setTabVisible(m_details->indexOf(m_chat), model);
    m_details->setTabVisible(m_details->indexOf(m_ask), rag);
    if (rag)
        m_ask->setJob(*job);
    if (model)
        m_chat->setJob(*job);
}

void TrainingJobsPage::updateActions()
{
    const core::JobInfo *job = selected();
    const core::JobState state = job ? job->state : core::JobState::Queued;
    const bool active = job && (state == core::JobState::Queued || state == core::JobState::Running);
    m_cancel->setEnabled(active);
    m_resume->setEnabled(job && (state == core::JobState::Interrupted || state == core::JobState::Failed ||
                                 state == core::JobState::Cancelled));
    m_retry->setEnabled(job && !active);
    m_duplicate->setEnabled(job != nullptr);
    m_delete->setEnabled(job && state != core::JobState::Running && !m_task.isRunning());
    m_openFolder->setEnabled(job && QFileInfo::exists(job->directory));
    m_download->setEnabled(job && state == core::JobState::Completed && !m_task.isRunning());
}

void TrainingJobsPage::showFigures(const engine::TrainingProgress &progress)
{
    const QLocale locale;
    QStringList parts;
    if (progress.totalSteps > 0)
        parts << tr("Step %1 of %2").arg(locale.toString(progress.step), locale.toString(progress.totalSteps))
              << tr("epoch %1").arg(locale.toString(progress.epoch, 'f', 2));
    if (progress.tokensPerSecond > 0)
        parts << tr("%1 tokens/s").arg(locale.toString(progress.tokensPerSecond, 'f', 0));
    if (progress.memoryBytes > 0)
        parts << tr("%1 in use").arg(locale.formattedDataSize(qint64(progress.memoryBytes)));
    if (progress.elapsedSeconds > 0)
        parts << tr("%1 elapsed").arg(durationText(qint64(progress.elapsedSeconds)));
    if (progress.etaSeconds > 0 && progress.step < progress.totalSteps)
        parts << tr("about %1 left").arg(durationText(qint64(progress.etaSeconds)));
    if (progress.phase != engine::TrainingProgress::Phase::Training && !progress.message.empty())
        parts << QString::fromStdString(progress.message);
    m_figures->setText(parts.join(QStringLiteral(" · ")));
}

void TrainingJobsPage::showSummary(const core::JobInfo &job)
{
    if (!job.isFinished() && job.state != core::JobState::Interrupted) {
        m_summary->setText(tr("The summary shows when the job has ended."));
        return;
    }
    const QLocale locale;
    std::optional<double> finalLoss, finalEval, bestEval;
    qint64 bestStep = 0;
    for (const core::JobMetric &metric : m_core.jobs().metrics(job.id)) {
        finalLoss = metric.loss ? metric.loss : finalLoss;
        if (metric.evalLoss) {
            finalEval = metric.evalLoss;
            if (!bestEval || *metric.evalLoss < *bestEval) {
                bestEval = metric.evalLoss;
                bestStep = metric.step;
            }
        }
    }
    QString html = QStringLiteral("<table cellspacing='6'>");
    const auto row = [&html](const QString &label, const QString &value) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(label, value);
    };
    row(tr("State"), jobStateTitle(job.state));
    if (!job.error.isEmpty())
        row(tr("Why"), job.error.toHtmlEscaped());
    row(tr("Steps"), tr("%1 of %2").arg(locale.toString(job.step), locale.toString(job.totalSteps)));
    if (finalLoss)
        row(tr("Final training loss"), locale.toString(*finalLoss, 'f', 4));
    if (finalEval)
        row(tr("Final held-out loss"), locale.toString(*finalEval, 'f', 4));
    if (bestEval)
        row(tr("Best held-out loss"),
            tr("%1 at step %2").arg(locale.toString(*bestEval, 'f', 4), locale.toString(bestStep)));
    if (job.startedAt.isValid() && job.finishedAt.isValid())
        row(tr("Duration"), durationText(job.startedAt.secsTo(job.finishedAt)));
    for (const QString &folder : job.resultFolders()) {
        const QFileInfoList files = QDir(folder).entryInfoList(QDir::Files, QDir::Name);
        if (files.isEmpty())
            continue;
        QStringList list;
        for (const QFileInfo &file : files)
            list << QStringLiteral("%1 (%2)").arg(file.fileName().toHtmlEscaped(),
                                                  locale.formattedDataSize(file.size()));
        row(tr("Files"), QDir::toNativeSeparators(folder).toHtmlEscaped() + QStringLiteral("<br>") +
                             list.join(QStringLiteral("<br>")));
    }
    m_summary->setText(html + QStringLiteral("</table>"));
}

void TrainingJobsPage::onProgress(qint64 id, const engine::TrainingProgress &progress)
{
    m_model->updateProgress(id, progress);
    if (id != m_shownJob)
        return;
    m_chart->addMetric(metricOf(progress));
    showFigures(progress);
}

void TrainingJobsPage::onLog(qint64 id, const QString &message)
{
    if (id != m_shownJob)
        return;
    m_log->appendPlainText(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), message));
    ++m_shownLogLine;
}

void TrainingJobsPage::fillCompareMenu()
{
    QMenu *menu = m_compare->menu();
    menu->clear();
    QAction *none = menu->addAction(tr("No Other Job"));
    connect(none, &QAction::triggered, m_chart, &LossChart::clearOverlays);
    menu->addSeparator();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const core::JobInfo *job = m_model->jobAt(row);
        if (job->id == m_shownJob)
            continue;
        QAction *action = menu->addAction(tr("%1 (job %2)").arg(job->request.name).arg(job->id));
        const qint64 id = job->id;
        const QString name = action->text();
        connect(action, &QAction::triggered, this,
                [this, id, name] { m_chart->setOverlay(name, m_core.jobs().metrics(id)); });
    }
}

void TrainingJobsPage::openNewJobDialog(qint64 duplicateOf)
{
    auto *dialog = new NewJobDialog(m_core, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (duplicateOf) {
        if (const auto job = m_core.jobs().find(duplicateOf))
            dialog->setRequest(job->request);
    }
    connect(dialog, &NewJobDialog::created, this, [this](qint64 id) {
        refresh();
        selectJob(id);
    });
    dialog->open();
}

void TrainingJobsPage::cancelSelected()
{
    const core::JobInfo *job = selected();
    if (!job)
        return;
    const qint64 id = job->id;
    if (job->state == core::JobState::Running &&
        MessageBox::ask(this, QMessageBox::Question, tr("Cancel Job"),
                        tr("Stop \"%1\" after the current step? Its checkpoints stay, and Resume continues it later.")
                            .arg(job->request.name),
                        QMessageBox::Yes | QMessageBox::No, QMessageBox::No,
                        {{QMessageBox::Yes, tr("Cancel Job")}, {QMessageBox::No, tr("Keep Training")}}) !=
            QMessageBox::Yes)
        return;
    try {
        m_core.queue().cancel(id);
    } catch (const core::Error &error) {
        MessageBox::warning(this, tr("Cannot Cancel"), error.message());
    }
}

void TrainingJobsPage::deleteSelected()
{
    const core::JobInfo *job = selected();
    if (!job)
        return;
    const qint64 id = job->id;
    if (MessageBox::ask(this, QMessageBox::Question, tr("Delete Job"),
                        tr("Delete \"%1\" with its trained model, checkpoints and log (%2)?")
                            .arg(job->request.name, QDir::toNativeSeparators(job->directory)),
                        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                        {{QMessageBox::Yes, tr("Delete")}}) != QMessageBox::Yes)
        return;
    try {
        m_core.queue().remove(id);
    } catch (const core::Error &error) {
        MessageBox::warning(this, tr("Cannot Delete"), error.message());
    }
}

void TrainingJobsPage::downloadSelected()
{
    if (const core::JobInfo *job = selected())
        downloadJobArchive(this, m_task, *job); // a copy: the table may change while the file dialog is open
}

void TrainingJobsPage::exportChart()
{
    const core::JobInfo *job = selected();
    if (!job)
        return;
    const QString target = FileDialog::saveFile(this, tr("Export Chart"), job->request.name + QStringLiteral(".png"),
                                                tr("PNG images (*.png)"));
    if (!target.isEmpty() && !m_chart->exportPng(target))
        MessageBox::warning(this, tr("Cannot Export"), tr("Cannot write %1.").arg(target));
}

void TrainingJobsPage::exportLosses()
{
    const core::JobInfo *job = selected();
    if (!job)
        return;
    const QString target = FileDialog::saveFile(this, tr("Export Losses"), job->request.name + QStringLiteral(".csv"),
                                                tr("CSV files (*.csv)"));
    if (target.isEmpty())
        return;
    QFile losses(job->directory + QStringLiteral("/loss.csv"));
    QSaveFile copy(target); // whole or not at all: a file already there stays as it was on failure
    if (!losses.open(QIODevice::ReadOnly) || !copy.open(QIODevice::WriteOnly) || copy.write(losses.readAll()) < 0 ||
        !copy.commit())
        MessageBox::warning(this, tr("Cannot Export"),
                            tr("Cannot copy the job's loss.csv (written once it starts) to %1.").arg(target));
}

} // namespace mtm::ui
