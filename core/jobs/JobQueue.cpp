#include "jobs/JobQueue.h"

#include "AppCore.h"
#include "data/SampleDataset.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobWorker.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "system/SystemInfo.h"

#include <QCoreApplication>
#include <QThread>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>

namespace mtm::core {
namespace {

constexpr int kTickMs = 2000;    // how often the store is looked at for new jobs, cancel requests and changes
constexpr int kTicksPerBeat = 5; // a running job's heartbeat every ten seconds

} // namespace

JobQueue::JobQueue(AppCore &core, QObject *parent)
    : QObject(parent)
    , m_core(core)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &JobQueue::beat);
}

JobQueue::~JobQueue()
{
    interruptAll();
    m_beat.waitForFinished();
    for (QThread *thread : std::as_const(m_threads)) {
        thread->quit();
        thread->wait();
    }
    qDeleteAll(m_workers);
}

void JobQueue::start(std::optional<qint64> onlyJob)
{
    m_started = true;
    m_onlyJob = onlyJob;
    m_cudaAvailable = SystemInfo::collect().cudaAvailable;
    if (!m_core.jobs().markInterrupted().isEmpty())
        Q_EMIT jobsChanged();
    m_timer->start();
    schedule();
}

JobInfo JobQueue::create(const TrainingRequest &request)
{
    provideSampleDataset(m_core, request.dataset);
    const JobInfo job = m_core.jobs().create(request);
    Q_EMIT jobsChanged();
    schedule();
    return job;
}

void JobQueue::cancel(qint64 id)
{
    m_core.jobs().cancel(id);
    if (JobWorker *worker = m_workers.value(id))
        worker->stop(JobState::Cancelled);
    Q_EMIT jobsChanged();
}

void JobQueue::resume(qint64 id)
{
    m_core.jobs().requeue(id);
    Q_EMIT jobsChanged();
    schedule();
}

JobInfo JobQueue::retry(qint64 id)
{
    return create(m_core.jobs().require(id).request);
}

void JobQueue::remove(qint64 id)
{
    m_core.jobs().remove(id);
    m_progress.remove(id);
    Q_EMIT jobsChanged();
}

void JobQueue::interruptAll()
{
    // Stopped, not cancelled: each job continues from its last checkpoint when it is resumed.
    for (JobWorker *worker : std::as_const(m_workers))
        worker->stop(JobState::Interrupted);
}

std::optional<engine::TrainingProgress> JobQueue::lastProgress(qint64 id) const
{
    const auto found = m_progress.constFind(id);
    return found == m_progress.constEnd() ? std::nullopt : std::optional<engine::TrainingProgress>(*found);
}

QString JobQueue::deviceOf(const JobInfo &job) const
{
    // One name per device: "cuda" and "auto" with a GPU are the first GPU, as the trainer takes them.
    const int index = job.request.settings.cudaIndex();
    if (index >= 0)
        return QStringLiteral("cuda:%1").arg(index);
    if (job.request.settings.device == "auto" && m_cudaAvailable)
        return QStringLiteral("cuda:0");
    return QStringLiteral("cpu");
}

void JobQueue::schedule()
{
    if (!m_started)
        return;
    JobCatalog &jobs = m_core.jobs();
    const QVector<JobInfo> all = jobs.list();
    QSet<QString> busy;
    for (const JobInfo &job : all) {
        if (job.state == JobState::Running)
            busy.insert(deviceOf(job)); // run here or by another process
    }
    for (auto job = all.crbegin(); job != all.crend(); ++job) { // oldest first
        if (job->state != JobState::Queued || (m_onlyJob && job->id != *m_onlyJob) || busy.contains(deviceOf(*job)))
            continue;
        if (!jobs.claim(job->id, QCoreApplication::applicationPid()))
            continue; // another process took it
        busy.insert(deviceOf(*job));
        auto *thread = new QThread(this);
        thread->setObjectName(QStringLiteral("job-%1").arg(job->id));
        auto *worker = new JobWorker(m_core, jobs.require(job->id));
        worker->moveToThread(thread);
        connect(thread, &QThread::started, worker, &JobWorker::run);
        connect(worker, &JobWorker::progressed, this, [this](qint64 id, const engine::TrainingProgress &progress) {
            m_progress.insert(id, progress);
            Q_EMIT progressed(id, progress);
        });
        connect(worker, &JobWorker::logged, this, &JobQueue::logged);
        connect(worker, &JobWorker::finished, this, &JobQueue::workerFinished);
        m_workers.insert(job->id, worker);
        m_threads.insert(job->id, thread);
        thread->start();
        Q_EMIT jobsChanged();
    }
}

void JobQueue::workerFinished(qint64 id)
{
    QThread *thread = m_threads.take(id);
    JobWorker *worker = m_workers.take(id);
    thread->quit();
    thread->wait();
    delete worker; // with it the last of the job's model and optimiser
    delete thread;
    Q_EMIT jobFinished(id);
    Q_EMIT jobsChanged();
    schedule();
}

void JobQueue::beat()
{
    JobCatalog &jobs = m_core.jobs();
    // The heartbeat is a write: it goes to a pool thread, so that the window's thread never waits on the disk. A
    // beat that fails is not fatal: the worker's own writes fail too, and end the job with the reason.
    if (++m_beats % kTicksPerBeat == 0 && !m_workers.isEmpty() && m_beat.isFinished())
        m_beat = QtConcurrent::run([&jobs, ids = m_workers.keys()] {
            for (const qint64 id : ids)
                jobs.beat(id);
        });
    for (auto worker = m_workers.cbegin(); worker != m_workers.cend(); ++worker) {
        if (jobs.cancelRequested(worker.key())) // asked from another process
            worker.value()->stop(JobState::Cancelled);
    }
    // SQLite counts the commits of other connections: another process (or a worker thread) changed something.
    const qint64 version = queryScalar(m_core.store().connection(), QStringLiteral("PRAGMA data_version")).toLongLong();
    if (version != m_dataVersion) {
        m_dataVersion = version;
        Q_EMIT jobsChanged();
    }
    schedule();
}

} // namespace mtm::core
