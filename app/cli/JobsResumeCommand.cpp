#include "JobsResumeCommand.h"

#include "AppCore.h"
#include "JobFollower.h"
#include "jobs/JobQueue.h"

namespace mtm::cli {

JobsResumeCommand::JobsResumeCommand()
    : ParsedCommand(QStringLiteral("resume"), QStringLiteral("Resume an interrupted, failed or cancelled job"))
{
    setDescription(QStringLiteral("Puts an interrupted, failed or cancelled job back in the queue; it continues from "
                                  "its last checkpoint."));
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
    addOptions({m_wait, m_logEvery});
}

int JobsResumeCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    const auto every = numberOption(parser, m_logEvery, 1, 1e9, context);
    if (!id || !every)
        return UsageError;
    context.core().queue().resume(*id);
    context.out << "Job " << *id << " is queued again.\n";
    context.out.flush();
    return parser.isSet(m_wait) ? followJobs(context, *id, qint64(*every)) : Success;
}

} // namespace mtm::cli
