#include "engine/generate/Generator.h"

#include "engine/EngineError.h"
#include "engine/model/KvCache.h"
#include "engine/model/Transformer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace mtm::engine {

GenerationResult generate(Transformer &model, const std::vector<std::int32_t> &prompt, const GenerationOptions &options,
                          const TokenCallback &onToken)
{
    if (prompt.empty())
        throw EngineError("Generation needs a prompt of at least one token");
    const std::int64_t contextLength = model.config().maxPositions;
    if (static_cast<std::int64_t>(prompt.size()) >= contextLength)
        throw EngineError("The prompt has " + std::to_string(prompt.size()) + " tokens; the model's context holds " +
                          std::to_string(contextLength));

    torch::NoGradGuard noGrad;
    // The model goes back to the mode it was in however generation ends, cancellation included.
    struct EvaluationMode
    {
        Transformer &model;
        const bool wasTraining = model.is_training();
        ~EvaluationMode() { model.train(wasTraining); }
    } evaluationMode{model};
    model.eval();
    const std::int64_t capacity =
        std::min<std::int64_t>(contextLength, static_cast<std::int64_t>(prompt.size()) + options.maxNewTokens);
    KvCache cache(model.config(), 1, capacity, model.dtype(), model.device());
    Sampler sampler(options.sampling);
    std::vector<std::int32_t> history = prompt;
    GenerationResult result;
    using Clock = std::chrono::steady_clock;

    const auto idsOptions = torch::TensorOptions().dtype(torch::kInt64).device(model.device());
    auto started = Clock::now();
    std::vector<std::int64_t> promptIds(prompt.begin(), prompt.end());
    torch::Tensor logits = model.forward(ForwardInputs(torch::tensor(promptIds, idsOptions).unsqueeze(0), &cache));
    result.prefillSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    started = Clock::now();
    for (;;) {
        const std::int32_t token = sampler.next(logits[0][-1], history);
        if (std::find(options.stopTokens.begin(), options.stopTokens.end(), token) != options.stopTokens.end()) {
            result.reason = GenerationResult::StopReason::StopToken;
            break;
        }
        result.tokens.push_back(token);
        history.push_back(token);
        if (onToken && !onToken(token))
            throw EngineError("Generation was cancelled after " + std::to_string(result.tokens.size()) + " tokens",
                              EngineError::Kind::Cancelled);
        if (static_cast<std::int64_t>(result.tokens.size()) >= options.maxNewTokens) {
            result.reason = GenerationResult::StopReason::MaxTokens;
            break;
        }
        if (static_cast<std::int64_t>(history.size()) >= contextLength) {
            result.reason = GenerationResult::StopReason::ContextFull;
            break;
        }
        logits = model.forward(
            ForwardInputs(torch::tensor({static_cast<std::int64_t>(token)}, idsOptions).view({1, 1}), &cache));
    }
    result.decodeSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

} // namespace mtm::engine
