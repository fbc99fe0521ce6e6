// A decoder layer's forward pass built from the fast path's hand-written autograd functions: the same
// computation as DecoderLayer::forward, with fewer activations kept for the backward pass.
#pragma once

#include "engine/model/Transformer.h"

namespace mtm::engine {

torch::Tensor fastDecoderLayer(DecoderLayer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                               const torch::Tensor &sin, const torch::Tensor &mask);

} // namespace mtm::engine
