// The training jobs in the store: created queued, claimed by one runner process at a time, their progress, metrics
// and log kept as they run, so that a chart and a log survive a restart; and the user's cancel, resume and delete.
#pragma once

#include "jobs/JobInfo.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QVector>

#include <optional>

namespace mtm::core {

class DataDirectory;
class DatasetCatalog;
class Store;

// One row of a job's chart: a training step (loss, learning rate, …) and, at the same step, the held-out loss when
// an evaluation ran there. Step 0 holds the evaluation before training.
struct JobMetric
{
    qint64 step = 0;
    std::optional<double> epoch;
    std::optional<double> loss;
    std::optional<double> evalLoss;
    std::optional<double> learningRate;
    std::optional<double> gradientNorm;
    std::optional<double> tokensPerSecond;
    std::optional<qint64> memoryBytes;

    // step, epoch, loss, eval_loss, learning_rate, grad_norm, tokens_per_second, memory_bytes (null when unknown).
    QJsonObject toJson() const;
};

struct JobLogLine
{
    qint64 line = 0; // 1, 2, … in the order written
    QDateTime time;
    QString message;
};

class JobCatalog
{
public:
    JobCatalog(Store &store, const DataDirectory &dataDirectory, const DatasetCatalog &datasets);

    // Stores a new queued job, with its folder and job.json. The dataset is looked up now (Error NotFound) and the
    // job keeps its id; a name is made up when the request has none.
    JobInfo create(TrainingRequest request);

    QVector<JobInfo> list() const; // newest first
    std::optional<JobInfo> find(qint64 id) const;
    JobInfo require(qint64 id) const; // Error NotFound
    qint64 count() const;
    qint64 count(JobState state) const;
    // The oldest queued job, if any.
    std::optional<qint64> nextQueued() const;

    // The runner's side. claim(): queued → running for this process, unless another runner was quicker.
    bool claim(qint64 id, qint64 runnerPid);
    void beat(qint64 id);
    void setSteps(qint64 id, qint64 step, qint64 totalSteps);
    void finish(qint64 id, JobState state, const QString &error = QString());
    bool cancelRequested(qint64 id) const;
    void addMetrics(qint64 id, const QVector<JobMetric> &metrics);  // one transaction; a step's row is merged
    void addLog(qint64 id, const QStringList &messages);            // one transaction
    QVector<JobMetric> metrics(qint64 id) const;                    // by step
    QHash<qint64, double> latestLosses() const;                     // each job's last training loss
    std::optional<double> latestLoss(qint64 id) const;              // one job's
    QVector<JobLogLine> log(qint64 id, qint64 afterLine = 0) const; // in order

    // The user's side. cancel(): a queued job is cancelled at once, a running one is asked to stop (its runner
    // stops within one step); Error Conflict for a job that has ended.
    void cancel(qint64 id);
    // An interrupted, failed or cancelled job goes back into the queue and continues from its last checkpoint.
    void requeue(qint64 id);
    // The row, its metrics and log, and its folder; Error Conflict while it runs.
    void remove(qint64 id);
    // At start-up: the folder of a job whose delete crashed before its row went is put back, one whose row is
    // gone is removed. Returns how many folders it removed.
    int removeLeftovers() const;
    // Running jobs whose runner process is gone or stopped beating are marked interrupted; returns their ids.
    QVector<qint64> markInterrupted();

private:
    Store &m_store;
    QString m_dataPath;
    const DatasetCatalog &m_datasets;
};

} // namespace mtm::core
