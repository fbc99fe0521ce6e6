// The fast LoRA path's hand-written autograd (the app's own implementation of Unsloth's techniques): each
// function computes its own gradients and keeps fewer activations than LibTorch's autograd would.
//   RmsNorm:       keeps x and 1/rms, not the float32 copies and the normalised values.
//   Rope:          keeps only the cos/sin tables; the gradient is the inverse rotation.
//   LoraLinear:    y = x Wᵀ + b + s·(x Aᵀ) Bᵀ; keeps x, not x Aᵀ; no gradient for the frozen W.
//   LoraMlp:       down(silu(gate(x)) · up(x)), each with its adapter; keeps x, gate(x) and up(x) and
//                  recomputes silu and the product in the backward pass.
//   Cross-entropy: over rows in chunks, so that the logits of all positions never exist at once.
#pragma once

#include <torch/types.h>

#include <optional>

namespace mtm::engine::fast {

torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight, double eps);
torch::Tensor rope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);
// A and B may be undefined (no adapter). W must not need a gradient.
torch::Tensor loraLinear(const torch::Tensor &x, const torch::Tensor &weight, const std::optional<torch::Tensor> &bias,
                         const torch::Tensor &a, const torch::Tensor &b, double scaling);

struct MlpWeights
{
    torch::Tensor gate, up, down;                   // frozen [out, in]
    torch::Tensor gateA, gateB, upA, upB, downA, downB; // adapters; undefined where there is none
    double scaling = 0;
};
torch::Tensor loraMlp(const torch::Tensor &x, const MlpWeights &weights);

// Sum of -log p(target) over rows whose target is not -100. hidden [rows, H], weight [V, H] (it gets a gradient
// when it requires one), targets [rows]. Logits are made `chunkRows` rows at a time, in float32.
torch::Tensor chunkedCrossEntropy(const torch::Tensor &hidden, const torch::Tensor &weight, const torch::Tensor &targets,
                                  std::int64_t chunkRows = 1024);

} // namespace mtm::engine::fast
