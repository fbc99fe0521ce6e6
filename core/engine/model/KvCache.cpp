#include "engine/model/KvCache.h"

#include "engine/EngineError.h"

#include <torch/torch.h>

namespace mtm::engine {

KvCache::KvCache(const ModelConfig &config, std::int64_t batch, std::int64_t capacity, torch::Dtype dtype,
                 torch::Device device)
    : m_capacity(capacity)
{
    const auto options = torch::TensorOptions().dtype(dtype).device(device);
    for (std::int64_t layer = 0; layer < config.layers; ++layer) {
        m_keys.push_back(torch::zeros({batch, config.kvHeads, capacity, config.headDim}, options));
        m_values.push_back(torch::zeros({batch, config.kvHeads, capacity, config.headDim}, options));
    }
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::size_t layer, const torch::Tensor &keys,
                                                        const torch::Tensor &values)
{
    const std::int64_t count = keys.size(2);
    if (m_length + count > m_capacity)
        throw EngineError("The context is full: " + std::to_string(m_length + count) + " tokens do not fit in " +
                          std::to_string(m_capacity));
    using torch::indexing::Slice;
    m_keys[layer].index_put_({Slice(), Slice(), Slice(m_length, m_length + count)}, keys);
    m_values[layer].index_put_({Slice(), Slice(), Slice(m_length, m_length + count)}, values);
    return {m_keys[layer].index({Slice(), Slice(), Slice(0, m_length + count)}),
            m_values[layer].index({Slice(), Slice(), Slice(0, m_length + count)})};
}

} // namespace mtm::engine
