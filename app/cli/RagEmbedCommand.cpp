#include "RagEmbedCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "rag/RagModel.h"

namespace mtm::cli {

RagEmbedCommand::RagEmbedCommand()
    : ParsedCommand(QStringLiteral("embed"), QStringLiteral("Print the vector a RAG job's embedder gives a text"))
{
    setDescription(QStringLiteral(
        "Prints the vector the completed RAG job's embedding model gives the text, as a JSON array of numbers (unit "
        "length when the model normalises): search the job's vector_index.faiss with it as the user guide's "
        "client does."));
    addPositional(QStringLiteral("TEXT"), QStringLiteral("The text."));
    setArgumentCount(1, 1);
    addOptions({m_job});
}

int RagEmbedCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    const auto model = core::RagModel::ofJob(context.core().jobs().require(*id));
    QStringList numbers;
    for (const float value : model->embed(parser.positionalArguments().at(0)))
        numbers << QString::number(double(value), 'g', 9);
    context.out << '[' << numbers.join(QStringLiteral(", ")) << "]\n";
    return Success;
}

} // namespace mtm::cli
