#include "JobsRunCommand.h"

#include "AppCore.h"
#include "JobFollower.h"
#include "jobs/JobCatalog.h"

namespace mtm::cli {

JobsRunCommand::JobsRunCommand()
    : ParsedCommand(QStringLiteral("run"), QStringLiteral("Run queued jobs here until none is left"))
{
    setDescription(QStringLiteral("Runs the queued jobs in this terminal, one at a time per device, oldest first, "
                                  "until none is left — or only job ID. Ctrl+C stops them; 'mtm jobs resume ID' "
                                  "continues a stopped one."));
    addPositional(QStringLiteral("ID"), QStringLiteral("Run only this job."), QStringLiteral("[ID]"));
    setArgumentCount(0, 1);
    addOptions({m_logEvery});
}

int JobsRunCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto every = numberOption(parser, m_logEvery, 1, 1e9, context);
    if (!every)
        return UsageError;
    std::optional<qint64> only;
    if (!parser.positionalArguments().isEmpty()) {
        only = jobId(parser, 0, context);
        if (!only)
            return UsageError;
        context.core().jobs().require(*only);
    } else if (!context.core().jobs().nextQueued()) {
        context.out << "No queued jobs.\n";
        return Success;
    }
    return followJobs(context, only, qint64(*every));
}

} // namespace mtm::cli
