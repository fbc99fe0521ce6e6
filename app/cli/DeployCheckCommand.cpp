#include "DeployCheckCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/QualityCheck.h"
#include "jobs/JobCatalog.h"

namespace mtm::cli {

DeployCheckCommand::DeployCheckCommand()
    : ParsedCommand(QStringLiteral("check"),
                    QStringLiteral("Compare the base, fine-tuned and GGUF models on a job's held-out records"))
{
    setDescription(QStringLiteral(
        "Scores the completed job's held-out records — split and rendered as its training did — with the base "
        "model, the fine-tuned model and the GGUF file at the type to deploy (written under the job's ollama/ "
        "folder unless it is there), and prints the three losses side by side: what the fine-tune gained, and what "
        "the quantisation costs."));
    addOptions({m_job, m_type});
}

int DeployCheckCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    const QString type = parser.value(m_type).toLower();
    core::QualityCheck check;
    {
        TerminalProgress progress(QStringLiteral("Checking job %1's models").arg(*id));
        check =
            core::checkQuality(context.core(), job, type,
                               job.directory + QStringLiteral("/ollama/model-%1.gguf").arg(type), progress.report());
    }
    context.out << "Held-out loss on " << check.examples << " examples of job " << *id << ":\n"
                << "  base model      " << QString::number(check.base, 'f', 4) << '\n'
                << "  fine-tuned      " << QString::number(check.fineTuned, 'f', 4) << "  ("
                << core::relativeChange(check.fineTuned, check.base) << " from the base)\n"
                << "  GGUF at " << QStringLiteral("%1").arg(check.type.toUpper(), -8)
                << QString::number(check.gguf, 'f', 4) << "  (" << core::relativeChange(check.gguf, check.fineTuned)
                << " from the fine-tuned model)\n";
    return Success;
}

} // namespace mtm::cli
