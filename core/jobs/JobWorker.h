// Runs one training job on the thread it lives on (the queue gives each job a QThread of its own): resolves the
// request, runs the engine from the job's last checkpoint, and keeps the store and the job's files up to date —
// every step's metrics and every message — while the queue hears progress through queued signals, at most about
// ten a second. The model and the optimiser exist only inside run(): when it returns, they are gone.
#pragma once

#include "engine/train/TrainingProgress.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobFiles.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>

namespace mtm::core {

class AppCore;

class JobWorker : public QObject
{
    Q_OBJECT

public:
    JobWorker(const AppCore &core, JobInfo job);

    qint64 jobId() const { return m_job.id; }
    // From any thread: the run stops within one step, and the job ends cancelled, or interrupted (the app is
    // closing: the job continues from its last checkpoint when it is resumed).
    void stop(JobState endAs) { m_endAs = int(endAs); }

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void progressed(qint64 jobId, const mtm::engine::TrainingProgress &progress);
    void logged(qint64 jobId, const QString &message);
    // The job's final state is in the store when this is emitted.
    void finished(qint64 jobId);

private:
    void buildIndex(const QString &where); // a RAG job: rag_model/ from the dataset
    void fineTune(const QString &where);   // a fine-tune, or a RAG job's generator
    bool onProgress(const engine::TrainingProgress &progress);
    void say(const QString &message);
    void flush(); // the buffered metrics and messages into the store and the files

    const AppCore &m_core;
    JobInfo m_job;
    JobFiles m_files;
    std::atomic<int> m_endAs{-1}; // a JobState once stop() was called
    QVector<JobMetric> m_metrics;
    QStringList m_messages;
    engine::TrainingProgress m_last;
    QElapsedTimer m_sinceFlush;
    QElapsedTimer m_sinceSignal;
};

} // namespace mtm::core
