#include "jobs/JobFiles.h"

#include "DurableFile.h"
#include "Error.h"
#include "jobs/JobCatalog.h"
#include "jobs/TrainingRequest.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(JobFiles)
};

QString csvNumber(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'g', 9) : QString();
}

} // namespace

JobFiles::JobFiles(QString folder)
    : m_folder(std::move(folder))
{}

void JobFiles::writeSettings(const TrainingRequest &request) const
{
    if (!QDir().mkpath(m_folder))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(m_folder));
    writeFileDurably(m_folder + QStringLiteral("/job.json"),
                     QJsonDocument(request.toJson()).toJson(QJsonDocument::Indented));
}

void JobFiles::open()
{
    if (m_log.isOpen())
        return;
    m_log.setFileName(m_folder + QStringLiteral("/training_log.jsonl"));
    m_losses.setFileName(m_folder + QStringLiteral("/loss.csv"));
    const bool newCsv = !m_losses.exists() || m_losses.size() == 0;
    for (QFile *file : {&m_log, &m_losses}) {
        if (!file->open(QIODevice::WriteOnly | QIODevice::Append))
            throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(file->fileName(), file->errorString()));
    }
    if (newCsv)
        m_losses.write("step,epoch,loss,eval_loss,learning_rate\n");
}

void JobFiles::append(const JobMetric &metric, const QDateTime &time)
{
    open();
    QJsonObject line{{QStringLiteral("time"), time.toString(Qt::ISODateWithMs)}, {QStringLiteral("step"), metric.step}};
    const auto put = [&](const char *key, const std::optional<double> &value) {
        if (value)
            line.insert(QLatin1String(key), *value);
    };
    put("epoch", metric.epoch);
    put("loss", metric.loss);
    put("eval_loss", metric.evalLoss);
    put("learning_rate", metric.learningRate);
    put("grad_norm", metric.gradientNorm);
    put("tokens_per_second", metric.tokensPerSecond);
    if (metric.memoryBytes)
        line.insert(QStringLiteral("memory_bytes"), *metric.memoryBytes);
    m_log.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    m_losses.write(QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(metric.step)
                       .arg(csvNumber(metric.epoch), csvNumber(metric.loss), csvNumber(metric.evalLoss),
                            csvNumber(metric.learningRate))
                       .toUtf8());
}

void JobFiles::append(const QString &message, const QDateTime &time)
{
    open();
    const QJsonObject line{{QStringLiteral("time"), time.toString(Qt::ISODateWithMs)},
                           {QStringLiteral("message"), message}};
    m_log.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
}

void JobFiles::flush()
{
    for (QFile *file : {&m_log, &m_losses}) {
        if (file->isOpen() && !file->flush())
            throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(file->fileName(), file->errorString()));
    }
}

} // namespace mtm::core
