// The training job queue of this process: takes queued jobs from the store — one running job at a time per
// device, oldest first — and runs each in a JobWorker on a QThread of its own; beats for the jobs it runs, passes
// on cancel requests made in another process, finds the jobs of a runner that is gone (a crash) interrupted, and
// tells the front ends what changed, here or in another process (a job created with `mtm jobs create` shows up in
// the window). The desktop app, `mtm jobs` and the REST API all act on jobs through the one queue of the core.
#pragma once

#include "engine/train/TrainingProgress.h"
#include "jobs/JobInfo.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>

#include <optional>

class QThread;
class QTimer;

namespace mtm::core {

class AppCore;
class JobWorker;

class JobQueue : public QObject
{
    Q_OBJECT

public:
    explicit JobQueue(AppCore &core, QObject *parent = nullptr);
    // Stops the jobs this process runs (they end interrupted, to be resumed) and waits for their threads.
    ~JobQueue() override;

    // Starts running queued jobs: first marks the jobs of runners that are gone as interrupted. With onlyJob, runs
    // that job alone and takes no other (the command line's `mtm jobs create --wait`).
    void start(std::optional<qint64> onlyJob = std::nullopt);
    bool isStarted() const { return m_started; }

    // The user's actions, for every front end. Each throws Error saying why it cannot be done.
    JobInfo create(const TrainingRequest &request);
    void cancel(qint64 id);
    void resume(qint64 id);
    // A new queued job with the same settings.
    JobInfo retry(qint64 id);
    void remove(qint64 id);
    // Stops the jobs this process runs, each within one step; they end interrupted and resume from their last
    // checkpoint (Ctrl+C on the command line, closing the app).
    void interruptAll();

    // Whether this process runs the job now, and the last progress it reported.
    bool isRunningHere(qint64 id) const { return m_workers.contains(id); }
    std::optional<engine::TrainingProgress> lastProgress(qint64 id) const;
    // Jobs of this process that are still running.
    int runningHere() const { return int(m_workers.size()); }

Q_SIGNALS:
    // Jobs were created, changed state or were removed, here or in another process.
    void jobsChanged();
    void progressed(qint64 jobId, const mtm::engine::TrainingProgress &progress);
    void logged(qint64 jobId, const QString &message);
    // A job this process ran has ended; its state is in the store.
    void jobFinished(qint64 jobId);

private:
    void schedule();
    void beat();
    QString deviceOf(const JobInfo &job) const;
    void workerFinished(qint64 id);

    AppCore &m_core;
    QTimer *m_timer;
    bool m_started = false;
    std::optional<qint64> m_onlyJob;
    bool m_cudaAvailable = false;
    QHash<qint64, JobWorker *> m_workers;
    QHash<qint64, QThread *> m_threads;
    QHash<qint64, engine::TrainingProgress> m_progress;
    qint64 m_dataVersion = -1;
    QFuture<void> m_beat;
    int m_beats = 0;
};

} // namespace mtm::core
