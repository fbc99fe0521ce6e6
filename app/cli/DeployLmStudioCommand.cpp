#include "DeployLmStudioCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/LmStudioInstall.h"
#include "jobs/JobCatalog.h"
#include "settings/AppSettings.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace mtm::cli {

DeployLmStudioCommand::DeployLmStudioCommand()
    : ParsedCommand(QStringLiteral("lmstudio"), QStringLiteral("Install a job's model into LM Studio"))
{
    setDescription(QStringLiteral(
        "Writes the completed job's model as one GGUF file — the adapter merged in, since LM Studio cannot apply a "
        "LoRA adapter itself — into LM Studio's models folder as <publisher>/<model>/<model>-<TYPE>.gguf, after "
        "checking the disk has room. A file already there is kept unless --replace is given."));
    addOptions({m_job, m_type, m_name, m_models, m_replace});
}

int DeployLmStudioCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    core::LmStudioInstallRequest request;
    request.modelsFolder =
        parser.isSet(m_models) ? parser.value(m_models) : context.core().settings().lmStudioModelsDirectory();
    request.model = parser.value(m_name);
    request.type = parser.value(m_type);
    request.replace = parser.isSet(m_replace);
    QString file;
    {
        TerminalProgress progress(QStringLiteral("Writing job %1's model for LM Studio").arg(*id));
        file = core::installIntoLmStudio(job, request, progress.report());
    }
    context.out << "Installed " << QDir::toNativeSeparators(file) << " ("
                << QLocale().formattedDataSize(QFileInfo(file).size()) << "). LM Studio lists it under My Models.\n";
    return Success;
}

} // namespace mtm::cli
