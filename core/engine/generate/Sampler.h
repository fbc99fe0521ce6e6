// Picks the next token from logits as transformers' generate() does: repetition penalty, then temperature,
// top-k and top-p; greedy at temperature 0. Sampling uses its own seeded generator, so that a seed gives the
// same text on every device.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <random>
#include <vector>

namespace mtm::engine {

struct SamplingOptions
{
    double temperature = 0.0;       // 0: always the most likely token
    std::int64_t topK = 0;          // 0: no limit
    double topP = 1.0;              // 1: no limit
    double repetitionPenalty = 1.0; // above 1 discourages tokens already in the text
    std::uint64_t seed = 0;
};

class Sampler
{
public:
    explicit Sampler(SamplingOptions options);

    // logits: [vocabulary] for the next position; history: the tokens so far (prompt and generated).
    std::int32_t next(const torch::Tensor &logits, const std::vector<std::int32_t> &history);

private:
    SamplingOptions m_options;
    std::mt19937_64 m_random;
};

} // namespace mtm::engine
