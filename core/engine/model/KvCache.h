// The keys and values of the tokens seen so far, per layer, so that generation computes each token once.
#pragma once

#include "engine/model/ModelConfig.h"

#include <torch/types.h>

#include <vector>

namespace mtm::engine {

class KvCache
{
public:
    KvCache(const ModelConfig &config, std::int64_t batch, std::int64_t capacity, torch::Dtype dtype,
            torch::Device device);

    std::int64_t length() const { return m_length; }
    std::int64_t capacity() const { return m_capacity; }
    void reset() { m_length = 0; }

    // Stores the keys and values of `count` new positions of one layer; returns all keys and values so far.
    std::pair<torch::Tensor, torch::Tensor> append(std::size_t layer, const torch::Tensor &keys,
                                                   const torch::Tensor &values);
    // Called once all layers have appended the new positions.
    void advance(std::int64_t count) { m_length += count; }

private:
    std::vector<torch::Tensor> m_keys; // [batch, kv heads, capacity, head dim]
    std::vector<torch::Tensor> m_values;
    std::int64_t m_capacity;
    std::int64_t m_length = 0;
};

} // namespace mtm::engine
