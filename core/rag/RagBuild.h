// Building a RAG job's rag_model/: the dataset's records read as documents, cut into chunks, embedded (by the
// built-in embedder made for the job, or a sentence-transformers folder), put in a FAISS index — exact for small
// collections, HNSW from a size the user sets — and written with the files RagModel reads. Everything is written
// into a staging folder beside the target and moved into place in one step when it is all there.
#pragma once

#include "Progress.h"
#include "rag/Chunking.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace mtm::core {

struct RagBuildRequest
{
    QString recordsFile;  // a dataset's records.jsonl
    QString outputFolder; // rag_model/
    QString embedder;     // a sentence-transformers folder, or "ollama:<model>"; empty: the built-in embedder
    QUrl ollamaServer;    // where an Ollama embedding model is asked
    QStringList corpus;   // texts the built-in embedder learns common words from (besides the documents)
    ChunkSettings chunking;
    qint64 hnswFrom = 50000; // chunks from which the index is HNSW rather than exact
    bool hybrid = true;      // retrieval fuses BM25 with the vectors unless asked otherwise
    QString device = QStringLiteral("cpu");
};

struct RagBuildSummary
{
    qint64 records = 0;
    qint64 chunks = 0;
    qint64 dimension = 0;
    QString indexType; // "IndexFlatIP", "IndexHNSWFlat"
};

// The documents of a corpus folder's .txt files, which separate them by lines "---" (the app's starter corpus).
QStringList corpusDocuments(const QString &folder);

// A record's text as a document: a document's title and text; a conversation's messages, one after another.
QString documentText(const QJsonObject &record);

// progress(done, total) in thousandths. Throws Error: NotFound for missing records or embedder, InvalidInput for
// a dataset without any text, Cancelled (nothing left behind), Io.
RagBuildSummary buildRagModel(const RagBuildRequest &request, const Progress &progress);

} // namespace mtm::core
