// The embedder of a RAG index as the retrieval core sees it: a sentence-transformers folder run by the engine,
// or an Ollama embedding model asked over /api/embed ("ollama:nomic-embed-text"). Texts in, one row of floats
// out per text, of unit length (Ollama's rows are normalised here, so that inner product is cosine similarity).
#pragma once

#include "Progress.h"

#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <vector>

namespace mtm::core {

class RagEmbedder
{
public:
    // "ollama:" before an Ollama model's name.
    static bool namesOllamaModel(const QString &embedder);
    // A sentence-transformers folder on the device ("auto", "cpu", "cuda:N"). Throws Error naming what is wrong.
    static std::unique_ptr<RagEmbedder> ofFolder(const QString &folder, const QString &device);
    // An Ollama embedding model (its name without "ollama:"), asked at server.
    static std::unique_ptr<RagEmbedder> ofOllama(const QUrl &server, const QString &model);
    virtual ~RagEmbedder() = default;

    virtual QString backend() const = 0; // "builtin" is told by the caller; "sentence-transformers" or "ollama"
    virtual QString pooling() const = 0;
    // How many of the model's tokens a word makes (Ollama: one; its tokenizer is not at hand).
    virtual qint64 countTokens(const QString &word) const = 0;
    // texts.size() unit rows of dimension() floats; progress(texts done, texts). Throws Error.
    virtual std::vector<float> embed(const QStringList &texts, const Progress &progress) = 0;
    // Known from the start for a folder, after the first texts for Ollama.
    virtual qint64 dimension() const = 0;
};

} // namespace mtm::core
