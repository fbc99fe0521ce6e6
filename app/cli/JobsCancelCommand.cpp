#include "JobsCancelCommand.h"

#include "AppCore.h"
#include "jobs/JobQueue.h"

namespace mtm::cli {

JobsCancelCommand::JobsCancelCommand()
    : ParsedCommand(QStringLiteral("cancel"), QStringLiteral("Cancel a queued or running job"))
{
    setDescription(QStringLiteral("Cancels a queued job, or stops a running one within a step (also one that the "
                                  "desktop app or another mtm runs)."));
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
}

int JobsCancelCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    if (!id)
        return UsageError;
    context.core().queue().cancel(*id);
    context.out << "Cancelled job " << *id << ".\n";
    return Success;
}

} // namespace mtm::cli
