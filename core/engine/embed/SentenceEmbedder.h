// A sentence-transformers model folder run as sentence-transformers runs it: the modules of modules.json — a
// Transformer (a BERT-family encoder with its WordPiece tokenizer) then Pooling (the mean of the tokens, or the
// [CLS] token), or a StaticEmbedding (a table of token vectors averaged over the text's tokens); then Normalize
// when the folder has it — giving one vector per text. A folder without modules.json is a plain BERT model,
// pooled by the mean as sentence-transformers does for one.
#pragma once

#include "engine/EngineProgress.h"
#include "engine/embed/BertEncoder.h"
#include "engine/embed/WordPiece.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

class SentenceEmbedder
{
public:
    enum class Pooling { Mean, Classifier };

    // A 16-bit dtype runs the encoder's matrix products in 16 bits (the rest, and a static table, in float32).
    // Throws EngineError naming the file and what is wrong or not supported.
    SentenceEmbedder(const std::string &folder, torch::ScalarType dtype = torch::kFloat32,
                     torch::Device device = torch::kCPU);

    std::int64_t dimension() const;
    bool isStatic() const { return !m_encoder; } // a StaticEmbedding: no encoder, no pooling
    Pooling pooling() const { return m_pooling; }
    bool normalizes() const { return m_normalize; }
    // Longer texts are cut, as sentence-transformers cuts them (a StaticEmbedding takes any length).
    std::int64_t maxTokens() const { return m_maxTokens; }
    const WordPieceTokenizer &tokenizer() const { return *m_tokenizer; }

    // The ids the encoder sees for a text: [CLS], its pieces up to maxTokens() in all, [SEP]; a StaticEmbedding's
    // are the pieces alone.
    std::vector<std::int32_t> tokenize(const std::string &text) const;
    // One row per text on the CPU (float32 for a 16-bit dtype); batches of texts of similar length (16 a batch: on
    // 2 cores a MiniLM-sized encoder ran 158–179 chunks/s so, against 133–158 with 32: docs/benchmarks.md);
    // progress(texts done, texts) after each batch (false cancels: EngineError Cancelled).
    torch::Tensor embed(const std::vector<std::string> &texts, const EngineProgress &progress = {},
                        std::int64_t batchSize = 16) const;
    // The same for texts already tokenized (tokenize()).
    torch::Tensor embedTokens(const std::vector<std::vector<std::int32_t>> &texts, const EngineProgress &progress = {},
                              std::int64_t batchSize = 16) const;

private:
    std::unique_ptr<BertEncoder> m_encoder; // or
    torch::Tensor m_staticTable;            // [vocabulary, dimension]
    std::optional<WordPieceTokenizer> m_tokenizer;
    Pooling m_pooling = Pooling::Mean;
    bool m_normalize = false;
    std::int64_t m_maxTokens = 512;
};

} // namespace mtm::engine
