#include "rag/RagEmbedder.h"

#include "EngineCall.h"
#include "Error.h"
#include "deploy/OllamaClient.h"
#include "engine/embed/TextEmbedder.h"

#include <QCoreApplication>

#include <cmath>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RagEmbedder)
};

const QString kOllamaPrefix = QStringLiteral("ollama:");

class FolderEmbedder : public RagEmbedder
{
public:
    FolderEmbedder(const QString &folder, const QString &device)
        : m_embedder(callEngine(
              [&] { return std::make_unique<engine::TextEmbedder>(folder.toStdString(), device.toStdString()); }))
    {}
    QString backend() const override { return QStringLiteral("sentence-transformers"); }
    QString pooling() const override { return QString::fromStdString(m_embedder->pooling()); }
    qint64 countTokens(const QString &word) const override
    {
        return qint64(m_embedder->countTokens(word.toStdString()));
    }
    qint64 dimension() const override { return m_embedder->dimension(); }
    std::vector<float> embed(const QStringList &texts, const Progress &progress) override
    {
        std::vector<std::string> strings;
        strings.reserve(std::size_t(texts.size()));
        for (const QString &text : texts)
            strings.push_back(text.toStdString());
        std::vector<float> rows = callEngine([&] {
            return m_embedder->embed(
                strings, [&](std::int64_t done, std::int64_t total) { return !progress || progress(done, total); });
        });
        if (!m_embedder->normalizes()) // cosine similarity by inner product needs unit rows
            normalise(rows, std::size_t(dimension()));
        return rows;
    }
    static void normalise(std::vector<float> &rows, std::size_t width)
    {
        for (std::size_t start = 0; start + width <= rows.size(); start += width) {
            double norm = 0;
            for (std::size_t i = start; i < start + width; ++i)
                norm += double(rows[i]) * rows[i];
            const double scale = norm > 0 ? 1 / std::sqrt(norm) : 0;
            for (std::size_t i = start; i < start + width; ++i)
                rows[i] = float(rows[i] * scale);
        }
    }

private:
    std::unique_ptr<engine::TextEmbedder> m_embedder;
};

class OllamaEmbedder : public RagEmbedder
{
public:
    OllamaEmbedder(const QUrl &server, const QString &model)
        : m_server(server)
        , m_model(model)
    {}
    QString backend() const override { return QStringLiteral("ollama"); }
    QString pooling() const override { return QStringLiteral("the model's own"); }
    qint64 countTokens(const QString &) const override { return 1; }
    qint64 dimension() const override { return m_dimension; }
    std::vector<float> embed(const QStringList &texts, const Progress &progress) override
    {
        constexpr qsizetype kBatch = 32;
        OllamaClient client(m_server);
        qint64 done = 0;
        client.setKeepGoing([&] { return !progress || progress(done, texts.size()); });
        std::vector<float> rows;
        for (qsizetype first = 0; first < texts.size(); first += kBatch) {
            for (std::vector<float> &row : client.embed(m_model, texts.mid(first, kBatch))) {
                if (m_dimension == 0)
                    m_dimension = qint64(row.size());
                rows.insert(rows.end(), row.begin(), row.end());
            }
            done = std::min<qint64>(texts.size(), first + kBatch);
            if (progress && !progress(done, texts.size()))
                throw Error(Error::Kind::Cancelled, Text::tr("Embedding was cancelled."));
        }
        FolderEmbedder::normalise(rows, std::size_t(m_dimension));
        return rows;
    }

private:
    QUrl m_server;
    QString m_model;
    qint64 m_dimension = 0;
};

} // namespace

bool RagEmbedder::namesOllamaModel(const QString &embedder)
{
    return embedder.startsWith(kOllamaPrefix);
}

std::unique_ptr<RagEmbedder> RagEmbedder::ofFolder(const QString &folder, const QString &device)
{
    return std::make_unique<FolderEmbedder>(folder, device);
}

std::unique_ptr<RagEmbedder> RagEmbedder::ofOllama(const QUrl &server, const QString &model)
{
    QString name = model;
    if (namesOllamaModel(name))
        name = name.mid(kOllamaPrefix.size());
    if (name.trimmed().isEmpty())
        throw Error(Error::Kind::InvalidInput, Text::tr("Name the Ollama embedding model: ollama:nomic-embed-text."));
    return std::make_unique<OllamaEmbedder>(server, name.trimmed());
}

} // namespace mtm::core
