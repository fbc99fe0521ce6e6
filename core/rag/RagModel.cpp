#include "rag/RagModel.h"

#include "EngineCall.h"
#include "Error.h"
#include "jobs/JobInfo.h"
#include "rag/RagEmbedder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <unordered_map>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RagModel)
};

constexpr double kFusionConstant = 60; // reciprocal rank fusion: 1 / (60 + rank), the usual constant
constexpr int kFusionDepth = 50;       // how far down each ranking is read before fusing

QJsonDocument readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::NotFound, Text::tr("Cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is not valid JSON: %2 at byte %3").arg(path, error.errorString()).arg(error.offset));
    return document;
}

} // namespace

RagModel::RagModel(const QString &folder)
    : m_folder(QDir(folder).absolutePath())
{
    const QDir dir(m_folder);
    const auto damaged = [&](const QString &file, const QString &why) {
        return Error(Error::Kind::InvalidInput, QStringLiteral("%1: %2").arg(dir.filePath(file), why));
    };
    const QJsonDocument config = readJson(dir.filePath(ragFiles::config));
    if (!config.isObject())
        throw damaged(ragFiles::config, Text::tr("the configuration must be a JSON object"));
    m_config = config.object();
    const QJsonDocument documents = readJson(dir.filePath(ragFiles::documents));
    if (!documents.isArray())
        throw damaged(ragFiles::documents, Text::tr("the chunks must be a JSON array of texts"));
    for (const QJsonValue &document : documents.array()) {
        if (!document.isString())
            throw damaged(ragFiles::documents, Text::tr("entry %1 is not a text").arg(m_documents.size() + 1));
        m_documents << document.toString();
    }
    const QJsonValue sources = readJson(dir.filePath(ragFiles::metadata)).object().value(QStringLiteral("chunks"));
    if (!sources.isArray())
        throw damaged(ragFiles::metadata, Text::tr("\"chunks\" must be a JSON array, one source a chunk"));
    for (const QJsonValue &source : sources.toArray())
        m_sources << source.toObject();
    m_index = std::make_unique<VectorIndex>(VectorIndex::read(dir.filePath(ragFiles::index)));
    if (m_index->size() != m_documents.size() || m_sources.size() != m_documents.size())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 does not hold together: %2 vectors, %3 documents and %4 sources.")
                        .arg(m_folder)
                        .arg(m_index->size())
                        .arg(m_documents.size())
                        .arg(m_sources.size()));
    // The embedder: an Ollama model, or the folder beside the index, else the one the configuration names.
    const QString model = m_config.value(QStringLiteral("embedding_model")).toString();
    if (m_config.value(QStringLiteral("embedding_backend")).toString() == QLatin1String("ollama")) {
        m_embedder = RagEmbedder::ofOllama(QUrl(m_config.value(QStringLiteral("ollama_host")).toString()), model);
    } else {
        const QString beside = dir.filePath(ragFiles::embedder);
        m_embedder = RagEmbedder::ofFolder(QFileInfo::exists(beside) ? beside : model, QStringLiteral("cpu"));
        if (m_embedder->dimension() != m_index->dimension())
            throw Error(Error::Kind::InvalidInput, Text::tr("The embedder %1 gives %2 dimensions, the index holds %3.")
                                                       .arg(model)
                                                       .arg(m_embedder->dimension())
                                                       .arg(m_index->dimension()));
    }
    m_keywords = std::make_unique<Bm25Index>(m_documents);
}

RagModel::~RagModel() = default;

std::unique_ptr<RagModel> RagModel::ofJob(const JobInfo &job)
{
    if (job.request.type != TrainingType::Rag)
        throw Error(Error::Kind::InvalidInput, Text::tr("Job %1 is a %2 job, not a RAG job: it has no index to search.")
                                                   .arg(job.id)
                                                   .arg(trainingTypeTitle(job.request.type)));
    if (job.state != JobState::Completed)
        throw Error(
            Error::Kind::Conflict,
            Text::tr("Job %1 is %2: its index is there once it has completed.").arg(job.id).arg(jobStateId(job.state)));
    return std::make_unique<RagModel>(job.outputFolder());
}

Retrieval RagModel::defaultRetrieval() const
{
    return m_config.value(QStringLiteral("hybrid")).toBool(true) ? Retrieval::Hybrid : Retrieval::Dense;
}

std::vector<float> RagModel::embed(const QString &text) const
{
    std::vector<float> vector = m_embedder->embed({text}, {});
    if (qsizetype(vector.size()) != m_index->dimension())
        throw Error(Error::Kind::InvalidInput, Text::tr("The embedding model gives %1 dimensions, the index holds %2.")
                                                   .arg(vector.size())
                                                   .arg(m_index->dimension()));
    return vector;
}

RetrievedChunk RagModel::chunkAt(qint64 id, double score) const
{
    const QJsonObject &source = m_sources[qsizetype(id)];
    RetrievedChunk chunk;
    chunk.chunk = id;
    chunk.text = m_documents[qsizetype(id)];
    chunk.score = score;
    chunk.record = source.value(QStringLiteral("record")).toInteger();
    chunk.part = source.value(QStringLiteral("part")).toInt();
    chunk.start = source.value(QStringLiteral("start")).toInteger();
    chunk.end = source.value(QStringLiteral("end")).toInteger();
    return chunk;
}

QVector<RetrievedChunk> RagModel::search(const QString &query, int k, Retrieval retrieval) const
{
    QVector<RetrievedChunk> results;
    if (k <= 0 || m_documents.isEmpty())
        return results;
    const int depth = retrieval == Retrieval::Hybrid ? std::max(k, kFusionDepth) : k;
    std::vector<VectorIndex::Hit> dense;
    if (retrieval != Retrieval::Keywords)
        dense = m_index->search(embed(query), depth).front();
    std::vector<Bm25Index::Hit> keywords;
    if (retrieval != Retrieval::Dense)
        keywords = m_keywords->search(query, depth);
    if (retrieval == Retrieval::Dense) {
        for (const VectorIndex::Hit &hit : dense)
            results.append(chunkAt(hit.id, hit.score));
        return results;
    }
    if (retrieval == Retrieval::Keywords) {
        for (const Bm25Index::Hit &hit : keywords)
            results.append(chunkAt(hit.id, hit.score));
        return results;
    }
    // Reciprocal rank fusion of the two rankings.
    std::unordered_map<qint64, double> fused;
    for (std::size_t rank = 0; rank < dense.size(); ++rank)
        fused[dense[rank].id] += 1.0 / (kFusionConstant + double(rank + 1));
    for (std::size_t rank = 0; rank < keywords.size(); ++rank)
        fused[keywords[rank].id] += 1.0 / (kFusionConstant + double(rank + 1));
    std::vector<std::pair<qint64, double>> ranked(fused.begin(), fused.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (std::size_t i = 0; i < ranked.size() && int(i) < k; ++i)
        results.append(chunkAt(ranked[i].first, ranked[i].second));
    return results;
}

} // namespace mtm::core
