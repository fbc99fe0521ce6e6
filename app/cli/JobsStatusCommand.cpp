#include "JobsStatusCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"

#include <QJsonDocument>

namespace mtm::cli {

JobsStatusCommand::JobsStatusCommand()
    : ParsedCommand(QStringLiteral("status"), QStringLiteral("Show where a job stands, in one line"))
{
    setDescription(
        QStringLiteral("Prints a job's state, progress, step, loss and error in one line; with --json, the object GET "
                       "/api/v1/jobs/{id}/status answers (eta_seconds is known only to the process that runs the job). "
                       "'mtm jobs show ID' shows the whole job."));
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
    addOptions({m_json});
}

int JobsStatusCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    if (!id)
        return UsageError;
    core::AppCore &core = context.core();
    const core::JobInfo job = core.jobs().require(*id);
    const std::optional<engine::TrainingProgress> live = core.queue().lastProgress(job.id);
    const std::optional<double> loss = live && live->loss ? live->loss : core.jobs().latestLoss(job.id);
    const std::optional<double> eta =
        live && live->etaSeconds > 0 ? std::optional<double>(live->etaSeconds) : std::nullopt;
    if (parser.isSet(m_json)) {
        context.out << QJsonDocument(job.statusJson(loss, eta)).toJson(QJsonDocument::Indented);
        return Success;
    }
    context.out << "Job " << job.id << ": " << core::jobStateId(job.state) << ", " << qRound(job.progress() * 100)
                << "%, step " << job.step << " of " << job.totalSteps;
    if (loss)
        context.out << ", loss " << QString::number(*loss, 'f', 4);
    if (!job.error.isEmpty())
        context.out << " (" << job.error << ')';
    context.out << '\n';
    return Success;
}

} // namespace mtm::cli
