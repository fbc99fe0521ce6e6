// The sentence embedder as the rest of the app sees it, without LibTorch in sight: a sentence-transformers folder
// (SentenceEmbedder) opened on the CPU or a CUDA device, texts in, rows of floats out. An encoder runs its matrix
// products in bfloat16 where the device has native bf16 (fastDtype): about four times the float32 speed on a CPU
// with AVX-512 BF16, vectors within a cosine of 0.999 of float32's.
#pragma once

#include "engine/EngineProgress.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mtm::engine {

class SentenceEmbedder;

class TextEmbedder
{
public:
    // device: "auto", "cpu", "cuda" or "cuda:N". Throws EngineError naming what is wrong with the folder.
    explicit TextEmbedder(const std::string &folder, const std::string &device = "cpu");
    ~TextEmbedder();

    std::int64_t dimension() const;
    bool normalizes() const;
    bool isStatic() const;       // a StaticEmbedding (the built-in embedder is one)
    std::string pooling() const; // "mean" or "cls"; "mean" for a StaticEmbedding's average
    std::int64_t maxTokens() const;
    // How many of the model's tokens a text makes (without [CLS] and [SEP]).
    std::int64_t countTokens(const std::string &text) const;

    // texts.size() rows of dimension() floats, one after another; progress(texts done, texts).
    std::vector<float> embed(const std::vector<std::string> &texts, const EngineProgress &progress = {}) const;

private:
    std::unique_ptr<SentenceEmbedder> m_embedder;
};

} // namespace mtm::engine
