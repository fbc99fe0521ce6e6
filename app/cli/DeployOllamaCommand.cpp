#include "DeployOllamaCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/OllamaClient.h"
#include "deploy/OllamaDeploy.h"
#include "jobs/JobCatalog.h"
#include "settings/AppSettings.h"

#include <QDir>

namespace mtm::cli {

DeployOllamaCommand::DeployOllamaCommand()
    : ParsedCommand(QStringLiteral("ollama"), QStringLiteral("Create a job's model in Ollama and test it"))
{
    setDescription(QStringLiteral(
        "Checks the Ollama server, exports the completed job's model as GGUF (merged with its adapter by default), "
        "uploads what the server does not have yet, creates the model as the Modelfile says (the chat template, "
        "stop markers and parameters the model was trained with, or your own --modelfile), then asks it a test "
        "question and prints its answer beside the "
        "engine's (both greedy, no repetition penalty). The files and a Modelfile stay in the job's folder, "
        "under ollama/."));
    addOptions({m_job, m_name, m_type, m_host, m_question});
    addOptions(m_files.all());
}

int DeployOllamaCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (const QString problem = m_files.problem(parser); !problem.isEmpty())
        return usageError(problem, context);
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    const core::JobInfo job = context.core().jobs().require(*id);
    core::OllamaDeployRequest request;
    request.server = core::ollamaServer(parser.value(m_host), context.core().settings().ollamaUrl());
    request.name = parser.value(m_name);
    request.files = m_files.request(parser, job.directory + QStringLiteral("/ollama"), parser.value(m_type));
    if (parser.isSet(m_question))
        request.question = parser.value(m_question);
    core::OllamaDeployResult result;
    {
        TerminalProgress progress(QStringLiteral("Deploying job %1").arg(*id));
        result = core::deployToOllama(job, request, progress.report(),
                                      [&](const QString &step) { progress.setLabel(step); });
    }
    QTextStream &out = context.out;
    out << "Created " << result.model << " in Ollama " << result.serverVersion << " at " << request.server.toString()
        << " ("
        << (result.uploaded.isEmpty() ? QStringLiteral("no file uploaded: it had them")
                                      : QStringLiteral("%1 file(s) uploaded").arg(result.uploaded.size()))
        << ").\n"
        << "Question: " << request.question << "\n"
        << "  Ollama: " << result.ollamaAnswer.trimmed() << "\n"
        << "  engine: " << result.engineAnswer.trimmed() << "\n"
        << (result.ollamaAnswer.trimmed() == result.engineAnswer.trimmed()
                ? QStringLiteral("The answers are the same.\n")
                : QStringLiteral("The answers differ: the quantised weights (%1) or the runtime's arithmetic can "
                                 "change a greedy choice; a type with more bits keeps them closer.\n")
                      .arg(request.files.type))
        << "Run it: ollama run " << result.model << "\n"
        << "Files and Modelfile: " << QDir::toNativeSeparators(request.files.folder) << "\n";
    return Success;
}

} // namespace mtm::cli
