#include "DeployModelfileCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/OllamaFiles.h"
#include "jobs/JobCatalog.h"

#include <QDir>
#include <QFileInfo>

namespace mtm::cli {

DeployModelfileCommand::DeployModelfileCommand()
    : ParsedCommand(QStringLiteral("modelfile"),
                    QStringLiteral("Write a job's model and a Modelfile for `ollama create`"))
{
    setDescription(QStringLiteral(
        "Exports the completed job's model as GGUF — merged with its adapter by default, or with --adapter-route as "
        "the base model and a GGUF adapter — and writes a Modelfile beside it: FROM, ADAPTER, the chat template the "
        "model was trained with in Ollama's template language, its stop markers, sampling defaults and num_ctx, "
        "each after a comment saying why. Then `ollama create NAME -f <folder>/Modelfile` creates the model."));
    addOptions({m_job, m_type, m_out});
    addOptions(m_files.all());
}

int DeployModelfileCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (const QString problem = m_files.problem(parser); !problem.isEmpty())
        return usageError(problem, context);
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    const core::OllamaFilesRequest request =
        m_files.request(parser, parser.isSet(m_out) ? parser.value(m_out) : job.directory + QStringLiteral("/ollama"),
                        parser.value(m_type));
    core::OllamaFiles files;
    {
        TerminalProgress progress(QStringLiteral("Exporting job %1's model").arg(*id));
        files = core::writeOllamaFiles(job, request, progress.report());
    }
    for (const QString &file : {files.modelFile, files.adapterFile, files.modelfile})
        if (!file.isEmpty())
            context.out << "Wrote " << QDir::toNativeSeparators(file) << '\n';
    context.out << "Create the model with:\n  ollama create my-model -f "
                << QDir::toNativeSeparators(QFileInfo(files.modelfile).absoluteFilePath()) << '\n';
    return Success;
}

} // namespace mtm::cli
