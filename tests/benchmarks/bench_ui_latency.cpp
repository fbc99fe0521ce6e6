// How responsive the window and its REST API stay while a job trains on every core: the real main window shows the
// Training Jobs page with the job's live chart, and a 5 ms timer measures how late the event loop serves it — with
// no job, while the starter model trains, and while it trains and the window's REST API answers
// GET /api/v1/jobs/{id}/status 200 times a second (a new connection each time, as the user guide's Python client
// makes). Prints p50, p99 and the maximum lateness in milliseconds, and the requests' latency and errors.
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
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

void print(const char *what, std::vector<double> lateness, const char *unit = "ticks")
{
    std::sort(lateness.begin(), lateness.end());
    const auto at = [&](double share) { return lateness[std::size_t(share * double(lateness.size() - 1))]; };
    std::printf("%-44s %7zu %-8s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms\n", what, lateness.size(), unit, at(0.5),
                at(0.99), lateness.back());
}

// One GET on a new connection to 127.0.0.1:port; the milliseconds until the whole answer came, or -1 when it
// failed (no connection, no answer within 5 s, or a status other than 200).
double timedGet(quint16 port, const std::string &path)
{
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(socket, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
        const std::string request =
            "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n\r\n";
        if (::send(socket, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size())) {
            char buffer[4096];
            for (ssize_t got; (got = ::recv(socket, buffer, sizeof buffer, 0)) > 0;)
                answer.append(buffer, std::size_t(got));
        }
    }
    ::close(socket);
    if (answer.compare(0, 12, "HTTP/1.1 200") != 0)
        return -1;
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Polls `path` at `perSecond` requests a second for `seconds` from 4 threads (a slow answer does not hold up the
// next request), while the caller's thread goes on; finish() waits for the last and gives the latencies of the
// answered requests and the count of failed ones.
class ApiPoller
{
public:
    ApiPoller(quint16 port, const std::string &path, int perSecond, int seconds)
    {
        using Clock = std::chrono::steady_clock;
        constexpr int threads = 4;
        const auto start = Clock::now();
        const auto interval = std::chrono::microseconds(1'000'000 * threads / perSecond);
        for (int t = 0; t < threads; ++t)
            m_pollers.emplace_back([=] {
                for (int i = 0; i < perSecond * seconds / threads; ++i) {
                    std::this_thread::sleep_until(start + interval * i + interval * t / threads);
                    const double milliseconds = timedGet(port, path);
                    const std::lock_guard<std::mutex> guard(m_lock);
                    if (milliseconds < 0)
                        ++m_failures;
                    else
                        m_latencies.push_back(milliseconds);
                }
            });
    }

    std::vector<double> finish(int &failures)
    {
        for (std::thread &poller : m_pollers)
            poller.join();
        failures = m_failures;
        return m_latencies;
    }

private:
    std::mutex m_lock;
    std::vector<double> m_latencies;
    int m_failures = 0;
    std::vector<std::thread> m_pollers;
};

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

    // The REST API as the desktop app serves it, on a free port.
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    const quint16 port = probe.serverPort();
    probe.close();
    core.settings().setApiPort(port);
    window.serveApi();
    const int apiSeconds = std::max(seconds, 30);
    ApiPoller poller(port, "/api/v1/jobs/" + std::to_string(job.id) + "/status", 200, apiSeconds);
    print("while it trains and the API answers 200/s", measureLateness(apiSeconds));
    int failures = 0;
    print("GET /api/v1/jobs/{id}/status, 200/s", poller.finish(failures), "requests");
    std::printf("failed requests: %d\n", failures);
    const auto progress = core.queue().lastProgress(job.id);
    std::printf("the job meanwhile: step %lld, %.0f tokens/s\n", static_cast<long long>(progress ? progress->step : 0),
                progress ? progress->tokensPerSecond : 0.0);
    core.queue().cancel(job.id);
    QEventLoop waitForEnd;
    QObject::connect(&core.queue(), &mtm::core::JobQueue::jobFinished, &waitForEnd, &QEventLoop::quit);
    waitForEnd.exec();
    return 0;
}
