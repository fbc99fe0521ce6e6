#include "engine/generate/Sampler.h"

#include "engine/EngineError.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace mtm::engine {

Sampler::Sampler(SamplingOptions options)
    : m_options(options)
    , m_random(options.seed)
{
    if (options.temperature < 0 || options.topP <= 0 || options.topP > 1 || options.topK < 0 ||
        options.repetitionPenalty <= 0)
        throw EngineError("Sampling options out of range: temperature must be at least 0, top-p in (0, 1], top-k "
                          "at least 0 and the repetition penalty above 0");
}

std::int32_t Sampler::next(const torch::Tensor &logits, const std::vector<std::int32_t> &history)
{
    const torch::Tensor row = logits.detach().to(torch::kCPU, torch::kFloat64).contiguous();
    std::vector<double> values(row.data_ptr<double>(), row.data_ptr<double>() + row.numel());
    const auto vocabulary = static_cast<std::int32_t>(values.size());

    if (m_options.repetitionPenalty != 1.0) {
        const std::unordered_set<std::int32_t> seen(history.begin(), history.end());
        for (const std::int32_t id : seen) {
            if (id < 0 || id >= vocabulary)
                continue;
            double &value = values[static_cast<std::size_t>(id)];
            value = value < 0 ? value * m_options.repetitionPenalty : value / m_options.repetitionPenalty;
        }
    }
    if (m_options.temperature == 0.0)
        return static_cast<std::int32_t>(std::max_element(values.begin(), values.end()) - values.begin());

    for (double &value : values)
        value /= m_options.temperature;
    std::vector<std::int32_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return values[a] > values[b]; });

    // Top-k keeps every token as likely as the k-th (ties included), as transformers' TopKLogitsWarper does.
    std::size_t keep = order.size();
    if (m_options.topK > 0 && static_cast<std::size_t>(m_options.topK) < order.size()) {
        const double threshold = values[order[static_cast<std::size_t>(m_options.topK) - 1]];
        keep = static_cast<std::size_t>(m_options.topK);
        while (keep < order.size() && values[order[keep]] >= threshold)
            ++keep;
    }
    // Softmax over what is kept, then top-p: the most likely tokens until their probability reaches p.
    const double top = values[order.front()];
    std::vector<double> probabilities(keep);
    double total = 0;
    for (std::size_t i = 0; i < keep; ++i)
        total += probabilities[i] = std::exp(values[order[i]] - top);
    for (double &p : probabilities)
        p /= total;
    if (m_options.topP < 1.0) {
        double cumulative = 0;
        std::size_t cut = 0;
        while (cut < keep) {
            cumulative += probabilities[cut++];
            if (cumulative >= m_options.topP)
                break;
        }
        keep = std::max<std::size_t>(1, cut);
        total = std::accumulate(probabilities.begin(), probabilities.begin() + static_cast<long>(keep), 0.0);
    } else {
        total = 1.0;
    }
    const double draw = std::uniform_real_distribution<double>(0.0, total)(m_random);
    double cumulative = 0;
    for (std::size_t i = 0; i < keep; ++i) {
        cumulative += probabilities[i];
        if (draw < cumulative)
            return order[i];
    }
    return order[keep - 1];
}

} // namespace mtm::engine
