#include "JobsDownloadCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/JobDownload.h"
#include "jobs/JobCatalog.h"

#include <QFileInfo>
#include <QLocale>

namespace mtm::cli {

JobsDownloadCommand::JobsDownloadCommand()
    : ParsedCommand(QStringLiteral("download"), QStringLiteral("Write a completed job's model as a .tar.gz"))
{
    setDescription(QStringLiteral("Packs the job's output folder (qlora_model/, lora_model/, standard_model/ or "
                                  "rag_model/) into model_job_<id>.tar.gz, as the user guide's download does; "
                                  "`tar -xzf` opens it. Ctrl+C stops it and leaves no partial file."));
    addPositional(QStringLiteral("ID"), QStringLiteral("The job's id."));
    setArgumentCount(1, 1);
    addOptions({m_out});
}

int JobsDownloadCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, 0, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    const QString path = parser.isSet(m_out) ? parser.value(m_out) : core::jobArchiveFileName(job.id);
    {
        TerminalProgress progress(QStringLiteral("Writing %1").arg(QFileInfo(path).fileName()));
        core::writeJobArchive(job, path, progress.report());
    }
    context.out << "Wrote " << path << " (" << QLocale().formattedDataSize(QFileInfo(path).size()) << ").\n";
    return Success;
}

} // namespace mtm::cli
