#include "MainWindow.h"

#include "AppCore.h"
#include "DesktopApi.h"
#include "Error.h"
#include "dialogs/AboutDialog.h"
#include "dialogs/MessageBox.h"
#include "dialogs/SettingsDialog.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "pages/DatasetsPage.h"
#include "pages/DeploymentPage.h"
#include "pages/TrainingJobsPage.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "system/CpuThreads.h"
#include "system/SystemInfo.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>

namespace mtm::ui {

MainWindow::MainWindow(core::AppCore &core, QWidget *parent)
    : QMainWindow(parent)
    , m_core(core)
    , m_navigation(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_computeDevice(new QLabel(this))
    , m_apiState(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Model Training Manager"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/app.svg")));

    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setIconSize(QSize(28, 28));
    m_navigation->setFixedWidth(190);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setSpacing(2);
    m_navigation->setStyleSheet(QStringLiteral(
        "QListWidget#navigation { background: palette(window); padding-top: 8px; outline: 0; }"
        "QListWidget#navigation::item { padding: 10px 8px; border-radius: 6px; margin: 0 6px; color: palette(text); }"
        "QListWidget#navigation::item:hover { background: rgba(63, 111, 216, 0.08); }"
        "QListWidget#navigation::item:selected { background: rgba(63, 111, 216, 0.18); color: palette(text); }"));
    m_pages->setObjectName(QStringLiteral("pages"));

    addPage(PageId::Datasets, new DatasetsPage(core, this), QStringLiteral(":/icons/datasets.svg"), tr("Datasets"));
    addPage(PageId::TrainingJobs, new TrainingJobsPage(core, this), QStringLiteral(":/icons/training.svg"),
            tr("Training Jobs"));
    addPage(PageId::Deployment, new DeploymentPage(core, this), QStringLiteral(":/icons/deployment.svg"),
            tr("Deployment"));
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_pages->setCurrentIndex(row);
        page(PageId(row))->refresh();
        m_core.settings().setLastPage(pageKey(PageId(row)));
    });

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    createMenus();

    m_computeDevice->setObjectName(QStringLiteral("computeDeviceLabel"));
    m_apiState->setObjectName(QStringLiteral("apiStateLabel"));
    m_apiState->hide();
    statusBar()->addPermanentWidget(m_apiState);
    statusBar()->addPermanentWidget(m_computeDevice);
    updateComputeDeviceLabel();

    restoreWindowState();
}

MainWindow::~MainWindow()
{
    // The API stops answering first; then the pages (and any work of theirs still running) go before the window.
    m_api.reset();
    disconnect(m_navigation, nullptr, this, nullptr);
    delete m_pages;
}

void MainWindow::addPage(PageId id, Page *pageWidget, const QString &iconPath, const QString &title)
{
    Q_ASSERT(m_pages->count() == int(id));
    m_pages->addWidget(pageWidget);
    connect(pageWidget, &Page::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    auto *item = new QListWidgetItem(QIcon(iconPath), title, m_navigation);
    item->setData(Qt::UserRole, pageKey(id));
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    QAction *import = file->addAction(tr("&Import Model Archive…"), this, [this] {
        showPage(PageId::Deployment);
        static_cast<DeploymentPage *>(page(PageId::Deployment))->importArchive();
    });
    import->setObjectName(QStringLiteral("importArchiveAction"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &MainWindow::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<QPair<PageId, QString>> pages = {{PageId::Datasets, tr("&Datasets")},
                                                 {PageId::TrainingJobs, tr("&Training Jobs")},
                                                 {PageId::Deployment, tr("De&ployment")}};
    for (int i = 0; i < pages.size(); ++i) {
        const PageId id = pages[i].first;
        QAction *action = view->addAction(pages[i].second, this, [this, id] { showPage(id); });
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        action->setObjectName(QStringLiteral("show%1Action").arg(pageKey(id)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Model Training Manager"), this, &MainWindow::openAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::showPage(PageId id)
{
    m_navigation->setCurrentRow(int(id));
}

MainWindow::PageId MainWindow::currentPage() const
{
    return PageId(m_pages->currentIndex());
}

Page *MainWindow::page(PageId id) const
{
    return static_cast<Page *>(m_pages->widget(int(id)));
}

QString MainWindow::pageKey(PageId id)
{
    switch (id) {
    case PageId::Datasets:
        return QStringLiteral("datasets");
    case PageId::TrainingJobs:
        return QStringLiteral("trainingJobs");
    case PageId::Deployment:
        return QStringLiteral("deployment");
    }
    return QString();
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_core.settings(), core::SystemInfo::collect().cpuCores, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this] {
        core::applyCpuThreads(m_core.settings().cpuThreads());
        updateComputeDeviceLabel();
        if (m_api)
            applyApiSettings();
    });
    dialog->open();
}

void MainWindow::serveApi()
{
    if (!m_api)
        m_api = std::make_unique<DesktopApi>(m_core);
    applyApiSettings();
}

void MainWindow::applyApiSettings()
{
    const DesktopApi::State state = m_api->apply();
    m_apiState->setVisible(state.shown);
    m_apiState->setText(state.text);
    m_apiState->setToolTip(state.detail);
    m_apiState->setStyleSheet(state.working ? QString() : QStringLiteral("color: #c62828;"));
    if (state.shown && !state.working)
        statusBar()->showMessage(state.detail.section(QLatin1Char('\n'), 0, 0), 15000);
}

void MainWindow::openAbout()
{
    auto *dialog = new AboutDialog(core::SystemInfo::collect(), m_core.dataDirectory().path(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::updateComputeDeviceLabel()
{
    m_computeDevice->setText(tr("Compute: %1").arg(core::SystemInfo::collect().computeDevice));
}

void MainWindow::restoreWindowState()
{
    const core::AppSettings &settings = m_core.settings();
    if (!restoreGeometry(settings.mainWindowGeometry()))
        resize(1200, 760);
    restoreState(settings.mainWindowState());
    int row = 0;
    for (int i = 0; i < m_navigation->count(); ++i) {
        if (m_navigation->item(i)->data(Qt::UserRole).toString() == settings.lastPage())
            row = i;
    }
    m_navigation->setCurrentRow(row);
}

// Jobs stopped by a crash, a power cut or closing the app: the user decides whether they continue now.
void MainWindow::offerToResumeInterruptedJobs()
{
    QList<core::JobInfo> interrupted;
    for (const core::JobInfo &job : m_core.jobs().list()) {
        if (job.state == core::JobState::Interrupted)
            interrupted.prepend(job); // oldest first
    }
    if (interrupted.isEmpty())
        return;
    QStringList names;
    for (const core::JobInfo &job : std::as_const(interrupted))
        names << tr("%1 (step %2 of %3)").arg(job.request.name).arg(job.step).arg(job.totalSteps);
    const auto answer = MessageBox::ask(
        this, QMessageBox::Question, tr("Resume Training"),
        tr("%n training job(s) stopped early:\n\n%1\n\nContinue from the last checkpoint now? You can also do "
           "it later on the Training Jobs page.",
           nullptr, int(interrupted.size()))
            .arg(names.join(QLatin1Char('\n'))),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes,
        {{QMessageBox::Yes, tr("Resume")}, {QMessageBox::No, tr("Not Now")}});
    if (answer != QMessageBox::Yes)
        return;
    showPage(PageId::TrainingJobs);
    for (const core::JobInfo &job : std::as_const(interrupted)) {
        try {
            m_core.queue().resume(job.id);
        } catch (const core::Error &error) {
            MessageBox::warning(this, tr("Cannot Resume"), error.message());
        }
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const int running = m_core.queue().runningHere();
    if (running > 0 &&
        MessageBox::ask(this, QMessageBox::Question, tr("Quit"),
                        tr("%n training job(s) are running. Quit and stop them after the current step? Each can be "
                           "resumed from its last checkpoint.",
                           nullptr, running),
                        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                        {{QMessageBox::Yes, tr("Stop and Quit")}}) != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    core::AppSettings &settings = m_core.settings();
    settings.setMainWindowGeometry(saveGeometry());
    settings.setMainWindowState(saveState());
    settings.sync();
    QMainWindow::closeEvent(event);
}

} // namespace mtm::ui
