// The desktop app: opens the data directory and the store, then the main window.
#include "Error.h"
#include "MainWindow.h"
#include "Screenshots.h"
#include "StoreOpener.h"
#include "Translations.h"
#include "data/DatasetCatalog.h"
#include "data/SampleDataset.h"
#include "model/ModelFactory.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "system/AppIdentity.h"
#include "system/CpuThreads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFutureWatcher>
#include <QLocale>
#include <QMessageBox>
#include <QStatusBar>
#include <QTextStream>
#include <QTranslator>
#include <QtConcurrent>

#include <cstdio>

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

    mtm::core::AppSettings settings;
    mtm::core::applyCpuThreads(settings.cpuThreads());

    const mtm::core::DataDirectory dataDirectory = mtm::core::DataDirectory::resolve(settings);
    try {
        dataDirectory.ensureExists();
    } catch (const mtm::core::Error &error) {
        QMessageBox::critical(nullptr, QObject::tr("Cannot use the data directory"), error.message());
        return 1;
    }
    const std::unique_ptr<mtm::core::Store> store = mtm::ui::openStoreOrAsk(dataDirectory.databaseFile());
    if (!store)
        return 1;

    {
        // Start-up chores: tidy what a crash left behind, and give a new user data to train on.
        mtm::core::DatasetCatalog catalog(*store, dataDirectory);
        catalog.removeLeftovers();
        try {
            mtm::core::importSampleDatasetOnFirstStart(catalog, settings,
                                                       QStringLiteral(":/sample-data/starter-alpaca.json"));
        } catch (const mtm::core::Error &error) {
            QMessageBox::warning(nullptr, QObject::tr("Sample dataset"), error.message());
        }
    }

    mtm::ui::MainWindow window(settings, *store, dataDirectory);
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

    // The starter model (about 7 MB, in the app's resources) is copied into the data directory in the background
    // on the first start, and when this version of the app ships a newer one. Comparing the copy with the shipped
    // one reads both, so that too happens off the UI thread.
    struct StarterOutcome
    {
        bool installed = false;
        QString problem;
    };
    QFutureWatcher<StarterOutcome> starter;
    QObject::connect(&starter, &QFutureWatcher<StarterOutcome>::finished, &window, [&] {
        const StarterOutcome outcome = starter.result();
        if (!outcome.problem.isEmpty())
            window.statusBar()->showMessage(
                QObject::tr("The starter model could not be installed: %1").arg(outcome.problem));
        else if (outcome.installed)
            window.statusBar()->showMessage(QObject::tr("The starter model is ready."), 5000);
    });
    // The worker reports progress 1 when it has to copy, so that the wait is explained.
    QObject::connect(&starter, &QFutureWatcher<StarterOutcome>::progressValueChanged, &window, [&](int value) {
        if (value == 1)
            window.statusBar()->showMessage(QObject::tr("Preparing the built-in starter model…"));
    });
    starter.setFuture(QtConcurrent::run([dataDirectory](QPromise<StarterOutcome> &promise) {
        const QString shipped = QStringLiteral(":/starter-model");
        if (mtm::core::starterModelIsCurrent(dataDirectory, shipped)) {
            promise.addResult(StarterOutcome{});
            return;
        }
        promise.setProgressRange(0, 1);
        promise.setProgressValue(1);
        try {
            mtm::core::installStarterModel(dataDirectory, shipped);
            promise.addResult(StarterOutcome{true, QString()});
        } catch (const mtm::core::Error &error) {
            promise.addResult(StarterOutcome{false, error.message()});
        }
    }));
    return app.exec();
}
