#include "rag/RagBuild.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/embed/StaticEmbedderBuilder.h"
#include "engine/io/DurableFiles.h"
#include "rag/RagEmbedder.h"
#include "rag/RagModel.h"
#include "rag/VectorIndex.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QScopeGuard>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RagBuild)
};

// The share of the whole each step takes, in thousandths.
constexpr qint64 kRead = 50, kEmbedder = 100, kEmbed = 750;

void writeJson(const QString &path, const QJsonDocument &document)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(document.toJson(QJsonDocument::Indented)) < 0 || !file.commit())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, file.errorString()));
}

void checkNotCancelled(const Progress &progress, qint64 done)
{
    if (progress && !progress(done, 1000))
        throw Error(Error::Kind::Cancelled, Text::tr("Building the index was cancelled; nothing was written."));
}

} // namespace

QStringList corpusDocuments(const QString &folder)
{
    QStringList documents;
    const QDir dir(folder);
    for (const QString &name : dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            for (const QString &document : QString::fromUtf8(file.readAll()).split(QStringLiteral("\n---\n")))
                if (!document.trimmed().isEmpty())
                    documents << document.trimmed();
    }
    return documents;
}

QString documentText(const QJsonObject &record)
{
    if (record.contains(QStringLiteral("messages"))) {
        QStringList parts;
        for (const QJsonValue &message : record.value(QStringLiteral("messages")).toArray())
            parts << message.toObject().value(QStringLiteral("content")).toString().trimmed();
        parts.removeAll(QString());
        return parts.join(QStringLiteral("\n\n"));
    }
    const QString title = record.value(QStringLiteral("title")).toString().trimmed();
    const QString text = record.value(QStringLiteral("text")).toString().trimmed();
    return title.isEmpty() || text.startsWith(title) ? text : title + QStringLiteral("\n\n") + text;
}

RagBuildSummary buildRagModel(const RagBuildRequest &request, const Progress &progress)
{
    // The documents.
    QFile records(request.recordsFile);
    if (!records.open(QIODevice::ReadOnly))
        throw Error(
            Error::Kind::NotFound,
            Text::tr("Cannot read the dataset's records %1: %2").arg(request.recordsFile, records.errorString()));
    QStringList documents;
    for (qint64 number = 1; !records.atEnd(); ++number) {
        const QByteArray line = records.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument record = QJsonDocument::fromJson(line, &error);
        if (!record.isObject())
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("Line %1 of the dataset's records (%2) is not a JSON object.")
                            .arg(number)
                            .arg(QFileInfo(request.recordsFile).fileName()));
        documents << documentText(record.object());
    }
    RagBuildSummary summary;
    summary.records = documents.size();
    checkNotCancelled(progress, kRead / 2);

    const QDir target(QDir(request.outputFolder).absolutePath());
    const QString staging = target.absolutePath() + QStringLiteral(".partial");
    QDir(staging).removeRecursively();
    if (!QDir().mkpath(staging))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(staging));
    auto cleanUp = qScopeGuard([&] { QDir(staging).removeRecursively(); });

    // The embedder: the built-in one is made from the corpus and the documents (before chunking: whole texts
    // tell common words from rare ones best).
    const bool builtIn = request.embedder.isEmpty();
    const bool ollama = RagEmbedder::namesOllamaModel(request.embedder);
    QString embedderFolder = request.embedder;
    if (builtIn) {
        std::vector<std::string> texts;
        for (const QString &text : request.corpus + documents)
            texts.push_back(text.toStdString());
        callEngine([&] {
            engine::buildStaticEmbedder(texts, QDir(staging).filePath(ragFiles::embedder).toStdString(), {},
                                        [&](std::int64_t done, std::int64_t total) {
                                            return !progress || progress(kRead + kEmbedder * done / total, 1000);
                                        });
        });
        embedderFolder = QDir(staging).filePath(ragFiles::embedder);
    } else if (!ollama && !QFileInfo(embedderFolder).isDir()) {
        throw Error(Error::Kind::NotFound, Text::tr("There is no embedding model folder %1.").arg(embedderFolder));
    }
    const std::unique_ptr<RagEmbedder> embedder = ollama ? RagEmbedder::ofOllama(request.ollamaServer, request.embedder)
                                                         : RagEmbedder::ofFolder(embedderFolder, request.device);

    // The chunks, each with its source.
    QVector<Chunk> chunks;
    for (qsizetype record = 0; record < documents.size(); ++record)
        chunks += chunkText(documents[record], record, request.chunking,
                            [&](const QString &word) { return embedder->countTokens(word); });
    if (chunks.isEmpty())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("The dataset's %1 records hold no text to index.").arg(documents.size()));
    summary.chunks = chunks.size();
    checkNotCancelled(progress, kRead + kEmbedder);

    // The vectors and the index.
    QStringList texts;
    texts.reserve(chunks.size());
    for (const Chunk &chunk : chunks)
        texts << chunk.text;
    const std::vector<float> vectors = embedder->embed(texts, [&](qint64 done, qint64 total) {
        return !progress || progress(kRead + kEmbedder + kEmbed * done / total, 1000);
    });
    summary.dimension = embedder->dimension();
    VectorIndex index(int(summary.dimension),
                      chunks.size() >= request.hnswFrom ? VectorIndex::Kind::Hnsw : VectorIndex::Kind::Exact);
    index.add(vectors);
    summary.indexType = VectorIndex::kindName(index.kind());
    checkNotCancelled(progress, 980);

    // The files.
    const QDir out(staging);
    index.write(out.filePath(ragFiles::index));
    QJsonArray chunkTexts, sources;
    for (const Chunk &chunk : chunks) {
        chunkTexts.append(chunk.text);
        sources.append(QJsonObject{{QStringLiteral("record"), chunk.record},
                                   {QStringLiteral("part"), chunk.part},
                                   {QStringLiteral("start"), chunk.start},
                                   {QStringLiteral("end"), chunk.end}});
    }
    writeJson(out.filePath(ragFiles::documents), QJsonDocument(chunkTexts));
    // sentence-transformers loads the model by this path (the embedder beside the index once moved into place);
    // an Ollama model by its name.
    const QString model = builtIn  ? target.filePath(ragFiles::embedder)
                          : ollama ? request.embedder.mid(QStringLiteral("ollama:").size()).trimmed()
                                   : QDir(request.embedder).absolutePath();
    writeJson(out.filePath(ragFiles::metadata),
              QJsonDocument(QJsonObject{{QStringLiteral("model"), model},
                                        {QStringLiteral("dimension"), summary.dimension},
                                        {QStringLiteral("normalized"), true},
                                        {QStringLiteral("pooling"), embedder->pooling()},
                                        {QStringLiteral("chunks"), sources}}));
    QJsonObject config{
        {QStringLiteral("embedding_backend"), builtIn ? QStringLiteral("builtin") : embedder->backend()},
        {QStringLiteral("embedding_model"), model},
        {QStringLiteral("dimension"), summary.dimension},
        {QStringLiteral("normalized"), true},
        {QStringLiteral("index_type"), summary.indexType},
        {QStringLiteral("hnsw_from_chunks"), request.hnswFrom},
        {QStringLiteral("hybrid"), request.hybrid},
        {QStringLiteral("chunking"), QJsonObject{{QStringLiteral("unit"), ChunkSettings::unitId(request.chunking.unit)},
                                                 {QStringLiteral("size"), request.chunking.size},
                                                 {QStringLiteral("overlap"), request.chunking.overlap}}},
        {QStringLiteral("documents"), summary.records},
        {QStringLiteral("chunks"), summary.chunks},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    if (ollama)
        config.insert(QStringLiteral("ollama_host"), request.ollamaServer.toString());
    writeJson(out.filePath(ragFiles::config), QJsonDocument(config));
    checkNotCancelled(progress, 990);
    callEngine([&] {
        engine::syncFolderContents(staging.toStdString());
        if (QFileInfo::exists(target.absolutePath()))
            engine::replaceFolder(staging.toStdString(), target.absolutePath().toStdString());
        else if (!QDir().rename(staging, target.absolutePath()))
            throw Error(Error::Kind::Io, Text::tr("Cannot move the index into %1.").arg(target.absolutePath()));
    });
    cleanUp.dismiss();
    if (progress)
        progress(1000, 1000);
    return summary;
}

} // namespace mtm::core
