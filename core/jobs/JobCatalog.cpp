#include "jobs/JobCatalog.h"

#include "Error.h"
#include "data/DatasetCatalog.h"
#include "jobs/JobFiles.h"
#include "settings/DataDirectory.h"
#include "store/RowWithFolder.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "store/WriteTransaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlQuery>

#include <cerrno>
#include <csignal>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(JobCatalog)
};

// A runner beats every few seconds from its event loop (never blocked by training); one silent for this long is
// gone, even if a process of the same pid exists.
constexpr qint64 kSilentRunnerSeconds = 60;

const char kSelect[] = "SELECT id, name, description, training_type, model_name, dataset_id, config_json, state, "
                       "current_step, total_steps, error_message, output_dir, created_at, started_at, finished_at, "
                       "updated_at, cancel_requested FROM jobs";

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QDateTime timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

JobInfo readRow(const QSqlQuery &query, const QString &dataPath)
{
    JobInfo job;
    job.id = query.value(0).toLongLong();
    const QString where = Text::tr("the settings of job %1 in the database").arg(job.id);
    try {
        job.request =
            TrainingRequest::fromJson(QJsonDocument::fromJson(query.value(6).toString().toUtf8()).object(), where);
    } catch (const Error &error) {
        // A damaged row still shows, with what is wrong with it, and can be deleted.
        job.error = error.message();
    }
    job.request.name = query.value(1).toString();
    job.request.description = query.value(2).toString();
    if (!query.value(5).isNull())
        job.datasetId = query.value(5).toLongLong();
    job.state = jobStateFromId(query.value(7).toString()).value_or(JobState::Failed);
    job.step = query.value(8).toLongLong();
    job.totalSteps = query.value(9).toLongLong();
    if (job.error.isEmpty())
        job.error = query.value(10).toString();
    // output_dir is relative to the data directory, so that the data directory can move.
    job.directory = QDir::cleanPath(dataPath + QLatin1Char('/') + query.value(11).toString());
    job.createdAt = timeFrom(query.value(12));
    job.startedAt = timeFrom(query.value(13));
    job.finishedAt = timeFrom(query.value(14));
    job.updatedAt = timeFrom(query.value(15));
    job.cancelRequested = query.value(16).toBool();
    return job;
}

// Runs an UPDATE with its values; returns how many rows it changed.
int update(Store &store, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(store.connection());
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    execPrepared(query);
    return query.numRowsAffected();
}

bool processIsAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

QVariant optional(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant();
}

std::optional<double> optionalDouble(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}

} // namespace

JobCatalog::JobCatalog(Store &store, const DataDirectory &dataDirectory, const DatasetCatalog &datasets)
    : m_store(store)
    , m_dataPath(dataDirectory.path())
    , m_datasets(datasets)
{}

JobInfo JobCatalog::create(TrainingRequest request)
{
    const DatasetInfo dataset = m_datasets.require(request.dataset);
    request.dataset = QString::number(dataset.id);
    request.name = request.name.trimmed();
    if (request.name.isEmpty())
        request.name = Text::tr("%1 on %2").arg(trainingTypeTitle(request.type), dataset.name);

    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral(
        "INSERT INTO jobs (name, description, training_type, model_name, dataset_id, config_json, state, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)"));
    const QString created = now();
    for (const QVariant &value :
         {QVariant(request.name), QVariant(request.description.isEmpty() ? QStringLiteral("") : request.description),
          QVariant(trainingTypeId(request.type)), QVariant(request.modelName), QVariant(dataset.id),
          QVariant(QString::fromUtf8(QJsonDocument(request.toJson()).toJson(QJsonDocument::Compact))),
          QVariant(created), QVariant(created)})
        insert.addBindValue(value);
    execPrepared(insert);
    const qint64 id = insert.lastInsertId().toLongLong();
    const QString relative = QStringLiteral("models/job_%1").arg(id);
    update(m_store, QStringLiteral("UPDATE jobs SET output_dir = ? WHERE id = ?"), {relative, id});
    // Ids are never reused, so a folder of this name is a leftover of a crash before a commit.
    const QString folder = m_dataPath + QLatin1Char('/') + relative;
    QDir(folder).removeRecursively();
    JobFiles(folder).writeSettings(request);
    try {
        transaction.commit();
    } catch (...) {
        QDir(folder).removeRecursively();
        throw;
    }
    return require(id);
}

QVector<JobInfo> JobCatalog::list() const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QLatin1String(kSelect) + QStringLiteral(" ORDER BY id DESC"));
    execPrepared(query);
    QVector<JobInfo> jobs;
    while (query.next())
        jobs.append(readRow(query, m_dataPath));
    return jobs;
}

std::optional<JobInfo> JobCatalog::find(qint64 id) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QLatin1String(kSelect) + QStringLiteral(" WHERE id = ?"));
    query.addBindValue(id);
    execPrepared(query);
    if (!query.next())
        return std::nullopt;
    return readRow(query, m_dataPath);
}

JobInfo JobCatalog::require(qint64 id) const
{
    const std::optional<JobInfo> job = find(id);
    if (!job)
        throw Error(Error::Kind::NotFound, Text::tr("There is no job %1.").arg(id));
    return *job;
}

qint64 JobCatalog::count() const
{
    return queryScalar(m_store.connection(), QStringLiteral("SELECT count(*) FROM jobs")).toLongLong();
}

qint64 JobCatalog::count(JobState state) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("SELECT count(*) FROM jobs WHERE state = ?"));
    query.addBindValue(jobStateId(state));
    execPrepared(query);
    return query.next() ? query.value(0).toLongLong() : 0;
}

std::optional<qint64> JobCatalog::nextQueued() const
{
    const QVariant id =
        queryScalar(m_store.connection(), QStringLiteral("SELECT min(id) FROM jobs WHERE state = 'queued'"));
    return id.isNull() ? std::nullopt : std::optional<qint64>(id.toLongLong());
}

bool JobCatalog::claim(qint64 id, qint64 runnerPid)
{
    const QString time = now();
    return update(m_store,
                  QStringLiteral("UPDATE jobs SET state = 'running', runner_pid = ?, heartbeat_at = ?, "
                                 "started_at = coalesce(started_at, ?), error_message = NULL, cancel_requested = 0, "
                                 "updated_at = ? WHERE id = ? AND state = 'queued'"),
                  {runnerPid, time, time, time, id}) == 1;
}

void JobCatalog::beat(qint64 id)
{
    update(m_store, QStringLiteral("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running'"), {now(), id});
}

void JobCatalog::setSteps(qint64 id, qint64 step, qint64 totalSteps)
{
    update(m_store, QStringLiteral("UPDATE jobs SET current_step = ?, total_steps = ?, updated_at = ? WHERE id = ?"),
           {step, totalSteps, now(), id});
}

void JobCatalog::finish(qint64 id, JobState state, const QString &error)
{
    const QString time = now();
    update(m_store,
           QStringLiteral("UPDATE jobs SET state = ?, error_message = ?, finished_at = ?, updated_at = ?, "
                          "runner_pid = NULL, cancel_requested = 0 WHERE id = ?"),
           {jobStateId(state), error.isEmpty() ? QVariant() : QVariant(error), time, time, id});
}

bool JobCatalog::cancelRequested(qint64 id) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("SELECT cancel_requested FROM jobs WHERE id = ?"));
    query.addBindValue(id);
    execPrepared(query);
    return query.next() && query.value(0).toBool();
}

void JobCatalog::addMetrics(qint64 id, const QVector<JobMetric> &metrics)
{
    if (metrics.isEmpty())
        return;
    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    QSqlQuery query(db);
    // A training step and the evaluation after it share a row; each fills in what it knows.
    query.prepare(QStringLiteral(
        "INSERT INTO job_metrics (job_id, step, epoch, loss, eval_loss, learning_rate, grad_norm, tokens_per_second, "
        "memory_bytes, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, step) DO UPDATE SET "
        "epoch = coalesce(excluded.epoch, epoch), loss = coalesce(excluded.loss, loss), "
        "eval_loss = coalesce(excluded.eval_loss, eval_loss), "
        "learning_rate = coalesce(excluded.learning_rate, learning_rate), "
        "grad_norm = coalesce(excluded.grad_norm, grad_norm), "
        "tokens_per_second = coalesce(excluded.tokens_per_second, tokens_per_second), "
        "memory_bytes = coalesce(excluded.memory_bytes, memory_bytes), recorded_at = excluded.recorded_at"));
    const QString time = now();
    for (const JobMetric &metric : metrics) {
        for (const QVariant &value : {QVariant(id), QVariant(metric.step), optional(metric.epoch),
                                      optional(metric.loss), optional(metric.evalLoss), optional(metric.learningRate),
                                      optional(metric.gradientNorm), optional(metric.tokensPerSecond),
                                      metric.memoryBytes ? QVariant(*metric.memoryBytes) : QVariant(), QVariant(time)})
            query.addBindValue(value);
        execPrepared(query);
    }
    transaction.commit();
}

void JobCatalog::addLog(qint64 id, const QStringList &messages)
{
    if (messages.isEmpty())
        return;
    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    QSqlQuery last(db);
    last.prepare(QStringLiteral("SELECT coalesce(max(line), 0) FROM job_logs WHERE job_id = ?"));
    last.addBindValue(id);
    execPrepared(last);
    qint64 line = last.next() ? last.value(0).toLongLong() : 0;
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO job_logs (job_id, line, recorded_at, message) VALUES (?, ?, ?, ?)"));
    const QString time = now();
    for (const QString &message : messages) {
        insert.addBindValue(id);
        insert.addBindValue(++line);
        insert.addBindValue(time);
        insert.addBindValue(message);
        execPrepared(insert);
    }
    transaction.commit();
}

QVector<JobMetric> JobCatalog::metrics(qint64 id) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("SELECT step, epoch, loss, eval_loss, learning_rate, grad_norm, tokens_per_second, "
                                 "memory_bytes FROM job_metrics WHERE job_id = ? ORDER BY step"));
    query.addBindValue(id);
    execPrepared(query);
    QVector<JobMetric> metrics;
    while (query.next()) {
        JobMetric metric;
        metric.step = query.value(0).toLongLong();
        metric.epoch = optionalDouble(query.value(1));
        metric.loss = optionalDouble(query.value(2));
        metric.evalLoss = optionalDouble(query.value(3));
        metric.learningRate = optionalDouble(query.value(4));
        metric.gradientNorm = optionalDouble(query.value(5));
        metric.tokensPerSecond = optionalDouble(query.value(6));
        if (!query.value(7).isNull())
            metric.memoryBytes = query.value(7).toLongLong();
        metrics.append(metric);
    }
    return metrics;
}

std::optional<double> JobCatalog::latestLoss(qint64 id) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral(
        "SELECT loss FROM job_metrics WHERE job_id = ? AND loss IS NOT NULL ORDER BY step DESC LIMIT 1"));
    query.addBindValue(id);
    execPrepared(query);
    return query.next() ? std::optional<double>(query.value(0).toDouble()) : std::nullopt;
}

QJsonObject JobMetric::toJson() const
{
    const auto value = [](const auto &optional) { return optional ? QJsonValue(double(*optional)) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("step"), step},
                       {QStringLiteral("epoch"), value(epoch)},
                       {QStringLiteral("loss"), value(loss)},
                       {QStringLiteral("eval_loss"), value(evalLoss)},
                       {QStringLiteral("learning_rate"), value(learningRate)},
                       {QStringLiteral("grad_norm"), value(gradientNorm)},
                       {QStringLiteral("tokens_per_second"), value(tokensPerSecond)},
                       {QStringLiteral("memory_bytes"), value(memoryBytes)}};
}

QHash<qint64, double> JobCatalog::latestLosses() const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral(
        "SELECT job_id, loss FROM job_metrics AS m WHERE loss IS NOT NULL AND step = (SELECT max(step) FROM "
        "job_metrics WHERE job_id = m.job_id AND loss IS NOT NULL)"));
    execPrepared(query);
    QHash<qint64, double> losses;
    while (query.next())
        losses.insert(query.value(0).toLongLong(), query.value(1).toDouble());
    return losses;
}

QVector<JobLogLine> JobCatalog::log(qint64 id, qint64 afterLine) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(
        QStringLiteral("SELECT line, recorded_at, message FROM job_logs WHERE job_id = ? AND line > ? ORDER BY line"));
    query.addBindValue(id);
    query.addBindValue(afterLine);
    execPrepared(query);
    QVector<JobLogLine> lines;
    while (query.next())
        lines.append({query.value(0).toLongLong(), timeFrom(query.value(1)), query.value(2).toString()});
    return lines;
}

void JobCatalog::cancel(qint64 id)
{
    const JobInfo job = require(id);
    if (job.state == JobState::Queued || job.state == JobState::Interrupted) {
        finish(id, JobState::Cancelled);
        return;
    }
    if (job.state != JobState::Running)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2; only a queued or running job can be cancelled.")
                                               .arg(id)
                                               .arg(jobStateId(job.state)));
    update(m_store, QStringLiteral("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?"), {now(), id});
}

void JobCatalog::requeue(qint64 id)
{
    const JobInfo job = require(id);
    if (job.state == JobState::Queued || job.state == JobState::Running || job.state == JobState::Completed)
        throw Error(Error::Kind::Conflict,
                    Text::tr("Job %1 is %2; only an interrupted, failed or cancelled job can be resumed.")
                        .arg(id)
                        .arg(jobStateId(job.state)));
    update(m_store,
           QStringLiteral("UPDATE jobs SET state = 'queued', error_message = NULL, finished_at = NULL, updated_at = ? "
                          "WHERE id = ?"),
           {now(), id});
}

void JobCatalog::remove(qint64 id)
{
    const JobInfo job = require(id);
    if (job.state == JobState::Running)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is running; cancel it before deleting it.").arg(id));
    deleteRowAndFolder(m_store.connection(), QStringLiteral("DELETE FROM jobs WHERE id = ?"), id, job.directory,
                       job.directory + QStringLiteral(".deleting"));
}

int JobCatalog::removeLeftovers() const
{
    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    int removed = 0;
    const QDir models(m_dataPath + QStringLiteral("/models"));
    for (const QFileInfo &entry : models.entryInfoList({QStringLiteral("job_*.deleting")}, QDir::Dirs)) {
        const QString folder = entry.absoluteFilePath().chopped(int(qstrlen(".deleting")));
        QSqlQuery query(db);
        query.prepare(QStringLiteral("SELECT count(*) FROM jobs WHERE id = ?"));
        query.addBindValue(QFileInfo(folder).fileName().mid(4).toLongLong());
        execPrepared(query);
        removed += settleFolderSetAside(query.next() && query.value(0).toInt() > 0, entry.absoluteFilePath(), folder);
    }
    transaction.commit();
    return removed;
}

QVector<qint64> JobCatalog::markInterrupted()
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("SELECT id, runner_pid, heartbeat_at FROM jobs WHERE state = 'running'"));
    execPrepared(query);
    QVector<qint64> interrupted;
    const QDateTime silentSince = QDateTime::currentDateTimeUtc().addSecs(-kSilentRunnerSeconds);
    while (query.next()) {
        const bool beating = timeFrom(query.value(2)) >= silentSince;
        if (!processIsAlive(query.value(1).toLongLong()) || !beating)
            interrupted.append(query.value(0).toLongLong());
    }
    for (const qint64 id : interrupted)
        finish(id, JobState::Interrupted,
               Text::tr("The app or the computer stopped while this job was running. Resume it to continue from its "
                        "last checkpoint."));
    return interrupted;
}

} // namespace mtm::core
