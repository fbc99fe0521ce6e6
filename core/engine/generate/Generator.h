// Text generation with a KV cache: prefill the prompt, then one token at a time until a stop token, the
// token limit or the caller's cancellation, reporting each token as it comes.
#pragma once

#include "engine/generate/Sampler.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mtm::engine {

class Transformer;

struct GenerationOptions
{
    SamplingOptions sampling;
    std::int64_t maxNewTokens = 256;
    std::vector<std::int32_t> stopTokens;
};

struct GenerationResult
{
    enum class StopReason { StopToken, MaxTokens, ContextFull, Cancelled };
    std::vector<std::int32_t> tokens; // generated, without the stop token
    StopReason reason = StopReason::MaxTokens;
    double prefillSeconds = 0;
    double decodeSeconds = 0;
};

// Called with each generated token (not with the stop token); returning false stops generation.
using TokenCallback = std::function<bool(std::int32_t token)>;

GenerationResult generate(Transformer &model, const std::vector<std::int32_t> &prompt, const GenerationOptions &options,
                          const TokenCallback &onToken = {});

} // namespace mtm::engine
