// A RAG job's output folder, rag_model/, and retrieval from it. The files are a contract with programs outside
// the app (the user guide's Python client: sentence-transformers, faiss, json), kept exactly:
//   rag_config.json           the embedding backend and model (a folder sentence-transformers loads), dimension,
//                             index type, chunking, counts, created time;
//   vector_index.faiss        the chunks' unit vectors, searched by inner product;
//   documents.json            a JSON array of the chunks' texts, in index order;
//   embeddings_metadata.json  model, dimension, normalisation, pooling, and each chunk's source (record, part,
//                             place in the record's text);
//   embedder/                 the built-in embedder, when the job used it.
#pragma once

#include "rag/Bm25Index.h"
#include "rag/VectorIndex.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <vector>

namespace mtm::core {

struct JobInfo;
class RagEmbedder;

namespace ragFiles {
inline const QString config = QStringLiteral("rag_config.json");
inline const QString index = QStringLiteral("vector_index.faiss");
inline const QString documents = QStringLiteral("documents.json");
inline const QString metadata = QStringLiteral("embeddings_metadata.json");
inline const QString embedder = QStringLiteral("embedder");
} // namespace ragFiles

// How chunks are found: by their vectors, by BM25 over their words, or both fused by reciprocal rank.
enum class Retrieval { Dense, Keywords, Hybrid };

struct RetrievedChunk
{
    qint64 chunk = 0; // its place in the index
    QString text;
    double score = 0; // cosine similarity; BM25's score; with hybrid retrieval, the fused rank score
    qint64 record = 0;
    int part = 0;
    qint64 start = 0, end = 0;
};

class RagModel
{
public:
    // Reads the folder and opens its embedder. Throws Error naming the file that is missing or wrong.
    explicit RagModel(const QString &folder);
    ~RagModel();
    // A completed RAG job's. Throws Error: InvalidInput for a job of another method, Conflict for one that has not
    // completed, and what the constructor throws.
    static std::unique_ptr<RagModel> ofJob(const JobInfo &job);

    const QString &folder() const { return m_folder; }
    const QJsonObject &config() const { return m_config; }
    qint64 chunkCount() const { return m_documents.size(); }
    Retrieval defaultRetrieval() const; // Hybrid unless the job was built with "hybrid": false

    // The query's vector, as the index's vectors were made.
    std::vector<float> embed(const QString &text) const;
    // The k chunks that best answer the query, best first.
    QVector<RetrievedChunk> search(const QString &query, int k, Retrieval retrieval) const;

private:
    RetrievedChunk chunkAt(qint64 id, double score) const;

    QString m_folder;
    QJsonObject m_config;
    QStringList m_documents;
    QVector<QJsonObject> m_sources;
    std::unique_ptr<RagEmbedder> m_embedder;
    std::unique_ptr<VectorIndex> m_index;
    std::unique_ptr<Bm25Index> m_keywords;
};

} // namespace mtm::core
