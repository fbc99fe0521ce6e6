#include "JobsShowCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

namespace mtm::cli {

JobsShowCommand::JobsShowCommand()
    : ParsedCommand(QStringLiteral("show"), QStringLiteral("Show a job's settings, state, metrics and log"))
{
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
    addOptions({m_json, m_lines});
}

int JobsShowCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    if (!id)
        return UsageError;
    const core::JobCatalog &jobs = context.core().jobs();
    const core::JobInfo job = jobs.require(*id);
    const QVector<core::JobMetric> metrics = jobs.metrics(job.id);
    QVector<core::JobLogLine> log = jobs.log(job.id);
    log = log.mid(qMax<qsizetype>(0, log.size() - qMax(0, parser.value(m_lines).toInt())));
    QTextStream &out = context.out;
    if (parser.isSet(m_json)) {
        QJsonObject object = job.toJson();
        QJsonArray lines;
        for (const core::JobLogLine &line : log)
            lines.append(line.message);
        object.insert(QStringLiteral("log"), lines);
        out << QJsonDocument(object).toJson(QJsonDocument::Indented);
        return Success;
    }
    std::optional<double> loss, evalLoss;
    for (const core::JobMetric &metric : metrics) {
        loss = metric.loss ? metric.loss : loss;
        evalLoss = metric.evalLoss ? metric.evalLoss : evalLoss;
    }
    out << job.request.name << " (job " << job.id << ")\n"
        << "  method:   " << core::trainingTypeTitle(job.request.type) << " on " << job.request.modelName << '\n'
        << "  state:    " << core::jobStateId(job.state) << ", step " << job.step << " of " << job.totalSteps << '\n';
    if (loss)
        out << "  loss:     " << QString::number(*loss, 'f', 4)
            << (evalLoss ? QStringLiteral(", held-out %1").arg(*evalLoss, 0, 'f', 4) : QString()) << '\n';
    if (!job.error.isEmpty())
        out << "  note:     " << job.error << '\n';
    out << "  folder:   " << QDir::toNativeSeparators(job.directory) << '\n';
    for (const core::JobLogLine &line : log)
        out << "  " << line.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")) << "  " << line.message << '\n';
    return Success;
}

} // namespace mtm::cli
