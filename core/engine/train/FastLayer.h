// A decoder layer's forward pass built from the fast path's hand-written autograd functions: the same
// computation as DecoderLayer::forward, with fewer activations kept for the backward pass.
#pragma once

#include "engine/model/Transformer.h"

#include <optional>
#include <vector>

namespace mtm::engine {

// segmentLengths (packed rows, may be null or empty): attention runs over each example of a row on its own,
// causal within it, instead of over the whole row with the block-diagonal mask — the same result without the
// cost of attending across the row.
torch::Tensor fastDecoderLayer(DecoderLayer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                               const torch::Tensor &sin, const torch::Tensor &mask,
                               const std::vector<std::vector<std::int64_t>> *segmentLengths = nullptr,
                               std::optional<std::int64_t> slidingWindow = std::nullopt);

// softmax(q kᵀ / sqrt(d)) v per example of each packed row (q [rows, heads, time, d], k and v [rows, kv heads,
// time, d]), within a sliding window when there is one; positions after a row's last example (padding) get zeros.
torch::Tensor segmentedAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                 const std::vector<std::vector<std::int64_t>> &segmentLengths,
                                 std::optional<std::int64_t> slidingWindow);

} // namespace mtm::engine
