#include "JobsDeleteCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"

#include <QDir>

#include <unistd.h>

#include <iostream>

namespace mtm::cli {

JobsDeleteCommand::JobsDeleteCommand()
    : ParsedCommand(QStringLiteral("delete"), QStringLiteral("Delete a job and its outputs"))
{
    setDescription(QStringLiteral("Deletes a job that is not running: its row, metrics and log, and its folder with "
                                  "the trained model and checkpoints."));
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
    addOptions({m_yes});
}

int JobsDeleteCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    if (!parser.isSet(m_yes)) {
        if (!isatty(STDIN_FILENO)) {
            context.err << "mtm jobs delete: pass --yes to delete job " << job.id << " without asking.\n";
            return Failure;
        }
        context.out << "Delete job " << job.id << " ('" << job.request.name << "') and its folder "
                    << QDir::toNativeSeparators(job.directory) << "? [y/N] ";
        context.out.flush();
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            context.out << "Nothing was deleted.\n";
            return Failure;
        }
    }
    context.core().queue().remove(job.id);
    context.out << "Deleted job " << job.id << ".\n";
    return Success;
}

} // namespace mtm::cli
