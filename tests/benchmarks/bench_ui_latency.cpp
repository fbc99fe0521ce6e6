// How responsive the window stays while a job trains on every core: the real main window shows the Training Jobs
// page with the job's live chart, and a 5 ms timer measures how late the event loop serves it — first with no
// job, then while the starter model trains. Prints p50, p99 and the maximum lateness in milliseconds.
//   build/tests/bench_ui_latency [--seconds N]     (run under Xvfb or with QT_QPA_PLATFORM=offscreen)
#include "AppCore.h"
#include "MainWindow.h"
#include "data/SampleDataset.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "system/CpuThreads.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

// Serves a 5 ms timer for `seconds` and returns how late each timeout came, in milliseconds.
std::vector<double> measureLateness(int seconds)
{
    std::vector<double> lateness;
    QElapsedTimer clock;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(5);
    qint64 expected = 0;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateness.push_back(double(std::max<qint64>(0, now - expected)) / 1e6);
        expected = now + 5'000'000;
    });
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    clock.start();
    expected = 5'000'000;
    timer.start();
    loop.exec();
    return lateness;
}

void print(const char *what, std::vector<double> lateness)
{
    std::sort(lateness.begin(), lateness.end());
    const auto at = [&](double share) { return lateness[std::size_t(share * double(lateness.size() - 1))]; };
    std::printf("%-34s %7zu ticks   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms\n", what, lateness.size(), at(0.5),
                at(0.99), lateness.back());
}

} // namespace

int main(int argc, char *argv[])
{
    mtm::core::prepareProcessForComputing(argv);
    QApplication app(argc, argv);
    int seconds = 20;
    for (int i = 1; i + 1 < argc; ++i)
        if (qstrcmp(argv[i], "--seconds") == 0)
            seconds = std::max(2, atoi(argv[i + 1]));

    QTemporaryDir folder;
    qputenv(mtm::core::DataDirectory::environmentVariable(), folder.filePath(QStringLiteral("data")).toLocal8Bit());
    auto settings = std::make_unique<mtm::core::AppSettings>(folder.filePath(QStringLiteral("settings.ini")));
    settings->setCpuThreads(0); // every core, as a user's job would
    mtm::core::AppCore core(std::move(settings), mtm::core::AppResources::inSourceTree(QStringLiteral(MTM_SOURCE_DIR)));
    mtm::core::importSampleDatasetOnFirstStart(core);
    mtm::ui::MainWindow window(core);
    window.resize(1200, 760);
    window.show();
    window.showPage(mtm::ui::MainWindow::PageId::TrainingJobs);
    core.queue().start();

    print("idle window", measureLateness(seconds));

    const mtm::core::JobInfo job = core.queue().create(mtm::core::TrainingRequest::fromJson(
        QJsonObject{{QStringLiteral("training_type"), QStringLiteral("unsloth")},
                    {QStringLiteral("dataset"), QStringLiteral("Starter examples")},
                    {QStringLiteral("epochs"), 1000}},
        QStringLiteral("benchmark")));
    QEventLoop waitForTraining;
    QObject::connect(&core.queue(), &mtm::core::JobQueue::progressed, &waitForTraining,
                     [&](qint64, const mtm::engine::TrainingProgress &progress) {
                         if (progress.phase == mtm::engine::TrainingProgress::Phase::Training)
                             waitForTraining.quit();
                     });
    waitForTraining.exec();
    print("while a job trains on every core", measureLateness(seconds));
    const auto progress = core.queue().lastProgress(job.id);
    std::printf("the job meanwhile: step %lld, %.0f tokens/s\n", static_cast<long long>(progress ? progress->step : 0),
                progress ? progress->tokensPerSecond : 0.0);
    core.queue().cancel(job.id);
    QEventLoop waitForEnd;
    QObject::connect(&core.queue(), &mtm::core::JobQueue::jobFinished, &waitForEnd, &QEventLoop::quit);
    waitForEnd.exec();
    return 0;
}
