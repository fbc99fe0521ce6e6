// The desktop app: opens the data directory and the store, builds the application core, then the main window.
#include "AppCore.h"
#include "BackgroundTask.h"
#include "MainWindow.h"
#include "Screenshots.h"
#include "StoreOpener.h"
#include "data/DatasetCatalog.h"
#include "data/SampleDataset.h"
#include "dialogs/MessageBox.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "model/ModelFactory.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "system/AppIdentity.h"
#include "system/CpuThreads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>
#include <QStatusBar>
#include <QThreadPool>
#include <QTranslator>

#include <cstdio>

namespace {

// The core on what the settings point to; nothing when the user chose to quit (the reason was shown).
std::unique_ptr<mtm::core::AppCore> openCore()
{
    auto settings = std::make_unique<mtm::core::AppSettings>();
    const mtm::core::DataDirectory dataDirectory = mtm::core::DataDirectory::resolve(*settings);
    try {
        dataDirectory.ensureExists();
        std::unique_ptr<mtm::core::Store> store = mtm::ui::openStoreOrAsk(dataDirectory.databaseFile());
        if (!store)
            return nullptr;
        return std::make_unique<mtm::core::AppCore>(std::move(settings), std::move(store));
    } catch (const mtm::core::Error &error) {
        mtm::ui::MessageBox::critical(nullptr, QObject::tr("Cannot use the data directory"), error.message());
        return nullptr;
    }
}

// The starter model (about 7 MB, in the app's resources) is copied into the data directory in the background on
// the first start, and when this version of the app ships a newer one. Comparing the copy with the shipped one
// reads both, so that too happens off the UI thread; the status bar speaks only when there is copying to do.
void installStarterModelInBackground(const mtm::core::AppCore &core, QMainWindow &window)
{
    using mtm::ui::runInBackground;
    const auto failed = [&window](const mtm::core::Error &error) {
        window.statusBar()->showMessage(
            QObject::tr("The starter model could not be installed: %1").arg(error.message()));
    };
    const auto install = [&window, failed, dataDirectory = core.dataDirectory(),
                          shipped = core.resources().starterModel](bool current) {
        if (current)
            return;
        window.statusBar()->showMessage(QObject::tr("Preparing the built-in starter model…"));
        runInBackground(
            &window, [dataDirectory, shipped] { mtm::core::installStarterModel(dataDirectory, shipped); },
            [&window] { window.statusBar()->showMessage(QObject::tr("The starter model is ready."), 5000); }, failed);
    };
    runInBackground(
        &window,
        [dataDirectory = core.dataDirectory(), shipped = core.resources().starterModel] {
            return mtm::core::starterModelIsCurrent(dataDirectory, shipped);
        },
        install, failed);
}

} // namespace

int main(int argc, char *argv[])
{
    mtm::core::prepareProcessForComputing(argv);
    QApplication app(argc, argv);
    mtm::core::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QObject::tr("Model Training Manager"));
    QApplication::setDesktopFileName(QStringLiteral("model-training-manager"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/app.svg")));
    QTranslator translator; // English too: it carries the plural forms of "%n item(s)" texts
    if (translator.load(QLocale(), QStringLiteral("model-training-manager"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")) ||
        translator.load(QStringLiteral("model-training-manager_en"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QObject::tr("Fine-tune language models on your own data."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QObject::tr("Write a PNG of every page and dialog into <dir>, then quit."),
                                         QObject::tr("dir"));
    parser.addOption(screenshots);
    parser.process(app);

    const std::unique_ptr<mtm::core::AppCore> core = openCore();
    if (!core)
        return 1;

    // Start-up chores: tidy what a crash left behind, and give a new user data to train on.
    core->datasets().removeLeftovers();
    core->jobs().removeLeftovers();
    try {
        mtm::core::importSampleDatasetOnFirstStart(*core);
    } catch (const mtm::core::Error &error) {
        mtm::ui::MessageBox::warning(nullptr, QObject::tr("Sample dataset"), error.message());
    }

    int status = 0;
    {
        mtm::ui::MainWindow window(*core);
        if (parser.isSet(screenshots)) {
            try {
                for (const QString &file : mtm::ui::saveScreenshots(window, parser.value(screenshots)))
                    std::printf("%s\n", qPrintable(file));
            } catch (const mtm::core::Error &error) {
                std::fprintf(stderr, "model-training-manager: %s\n", qPrintable(error.message()));
                return 1;
            }
            return 0;
        }
        window.show();
        installStarterModelInBackground(*core, window);
        core->queue().start(); // runs queued jobs; interrupted ones wait for the user
        window.serveApi();
        window.offerToResumeInterruptedJobs();
        status = app.exec();
    }
    // Work still running in the background uses the core: it ends before the core does.
    QThreadPool::globalInstance()->waitForDone();
    return status;
}
