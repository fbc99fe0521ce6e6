#include "RagQueryCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "rag/RagModel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mtm::cli {

RagQueryCommand::RagQueryCommand()
    : ParsedCommand(QStringLiteral("query"), QStringLiteral("Search a RAG job's index"))
{
    setDescription(QStringLiteral(
        "Prints the chunks of the completed RAG job's documents that best answer the question, best first, each "
        "with its score (cosine similarity; with hybrid retrieval, the fused rank score) and its source: the "
        "record of the dataset, from 1, and the chunk's place in it."));
    addPositional(QStringLiteral("QUESTION"), QStringLiteral("What to search for."));
    setArgumentCount(1, 1);
    addOptions({m_job, m_topK, m_dense, m_json});
}

int RagQueryCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    bool ok = false;
    const int topK = parser.value(m_topK).toInt(&ok);
    if (!ok || topK < 1 || topK > 1000)
        return usageError(QStringLiteral("--top-k takes a whole number from 1 to 1000."), context);
    const auto model = core::RagModel::ofJob(context.core().jobs().require(*id));
    const core::Retrieval retrieval = parser.isSet(m_dense) ? core::Retrieval::Dense : model->defaultRetrieval();
    const bool hybrid = retrieval == core::Retrieval::Hybrid;
    const QString question = parser.positionalArguments().at(0);
    const QVector<core::RetrievedChunk> chunks = model->search(question, topK, retrieval);
    if (parser.isSet(m_json)) {
        QJsonArray results;
        for (const core::RetrievedChunk &chunk : chunks)
            results.append(QJsonObject{{QStringLiteral("text"), chunk.text},
                                       {QStringLiteral("score"), chunk.score},
                                       {QStringLiteral("record"), chunk.record},
                                       {QStringLiteral("part"), chunk.part},
                                       {QStringLiteral("chunk"), chunk.chunk}});
        context.out << QJsonDocument(QJsonObject{{QStringLiteral("query"), question},
                                                 {QStringLiteral("hybrid"), hybrid},
                                                 {QStringLiteral("results"), results}})
                           .toJson(QJsonDocument::Indented);
        return Success;
    }
    for (int i = 0; i < chunks.size(); ++i) {
        const core::RetrievedChunk &chunk = chunks[i];
        context.out << i + 1 << ". score " << QString::number(chunk.score, 'f', 4) << " · record " << chunk.record + 1
                    << (chunk.part > 0 ? QStringLiteral(", part %1").arg(chunk.part + 1) : QString()) << '\n'
                    << "   " << QString(chunk.text).replace(QLatin1Char('\n'), QStringLiteral("\n   ")) << "\n\n";
    }
    if (chunks.isEmpty())
        context.out << "The index is empty.\n";
    return Success;
}

} // namespace mtm::cli
