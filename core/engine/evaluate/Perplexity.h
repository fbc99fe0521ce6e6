// How well a model predicts a text: the mean negative log-likelihood per token and its exponential, the
// perplexity, computed over consecutive windows of the text.
#pragma once

#include "engine/EngineProgress.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mtm::engine {

class Transformer;

struct PerplexityResult
{
    double meanNegativeLogLikelihood = 0; // nats per token
    double perplexity = 0;
    std::int64_t scoredTokens = 0;
    std::int64_t windows = 0;
};

// The text's tokens are cut into windows of `window` tokens. With a BOS token every window starts with it and
// all its tokens are scored; without, the first token of each window is context only. progress(done, total)
// is called after each window and returns false to cancel (EngineError of kind Cancelled).
PerplexityResult perplexity(Transformer &model, const std::vector<std::int32_t> &tokens, std::int64_t window,
                            std::optional<std::int32_t> bos, const EngineProgress &progress = {});

} // namespace mtm::engine
