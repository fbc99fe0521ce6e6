#include "engine/evaluate/Perplexity.h"

#include "engine/EngineError.h"
#include "engine/model/Transformer.h"

#include <torch/torch.h>

#include <cmath>

namespace mtm::engine {

PerplexityResult perplexity(Transformer &model, const std::vector<std::int32_t> &tokens, std::int64_t window,
                            std::optional<std::int32_t> bos, const EngineProgress &progress)
{
    const std::int64_t room = model.config().maxPositions - (bos ? 1 : 0);
    if (window < 2 || window > room)
        throw EngineError("The window must hold 2 to " + std::to_string(room) + " tokens for this model, not " +
                          std::to_string(window));
    const auto count = static_cast<std::int64_t>(tokens.size());
    const std::int64_t total = (count + window - 1) / window;
    torch::NoGradGuard noGrad;
    model.eval();
    PerplexityResult result;
    double sum = 0;
    const auto options = torch::TensorOptions().dtype(torch::kInt64).device(model.device());
    for (std::int64_t start = 0; start < count; start += window) {
        std::vector<std::int64_t> ids;
        if (bos)
            ids.push_back(*bos);
        for (std::int64_t i = start; i < std::min(count, start + window); ++i)
            ids.push_back(tokens[static_cast<std::size_t>(i)]);
        if (ids.size() >= 2) {
            const torch::Tensor input = torch::tensor(ids, options).unsqueeze(0);
            const torch::Tensor logits = model.forward(ForwardInputs(input)).to(torch::kFloat64)[0];
            const torch::Tensor logProbabilities = torch::log_softmax(logits.narrow(0, 0, input.size(1) - 1), -1);
            const torch::Tensor targets = input[0].narrow(0, 1, input.size(1) - 1);
            sum -= logProbabilities.gather(1, targets.unsqueeze(1)).sum().item<double>();
            result.scoredTokens += input.size(1) - 1;
        }
        ++result.windows;
        if (progress && !progress(result.windows, total))
            throw EngineError("Scoring was cancelled after " + std::to_string(result.windows) + " of " +
                                  std::to_string(total) + " windows",
                              EngineError::Kind::Cancelled);
    }
    if (result.scoredTokens == 0)
        throw EngineError("The text is too short to score: it needs at least two tokens");
    result.meanNegativeLogLikelihood = sum / double(result.scoredTokens);
    result.perplexity = std::exp(result.meanNegativeLogLikelihood);
    return result;
}

} // namespace mtm::engine
