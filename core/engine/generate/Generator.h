// Text generation with a KV cache: prefill the prompt, then one token at a time until a stop token, the
// token limit or the context's end, reporting each token as it comes; the caller can cancel at any token.
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
    enum class StopReason { StopToken, MaxTokens, ContextFull };
    std::vector<std::int32_t> tokens; // generated, without the stop token
    StopReason reason = StopReason::MaxTokens;
    double prefillSeconds = 0;
    double decodeSeconds = 0;
};

// Called with each generated token (not with the stop token); returning false cancels: generate() then throws
// EngineError of kind Cancelled (the tokens reported so far are all the caller gets).
using TokenCallback = std::function<bool(std::int32_t token)>;

GenerationResult generate(Transformer &model, const std::vector<std::int32_t> &prompt, const GenerationOptions &options,
                          const TokenCallback &onToken = {});

} // namespace mtm::engine
