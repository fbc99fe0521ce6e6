// What a training job will cost, known before it runs, from the model's shape, the method and its settings:
// - the memory it needs at its peak, for the size of a batch — counted from what the trainer's passes keep for the
//   backward pass (LibTorch's autograd keeps more than the fast path's kernels; checkpointing keeps only each
//   layer's input), the optimiser's state and the loss;
// - the work it does (floating-point operations) and, from the rate this machine multiplies matrices at, its time.
// Both compared with what every method measures by bench_training. Free of LibTorch, for the layers above.
#pragma once

#include "engine/model/ModelConfig.h"
#include "engine/train/TrainingConfig.h"

#include <algorithm>
#include <cstdint>

namespace mtm::engine {

// One batch, in the quantities the memory of a training step grows with.
struct BatchFootprint
{
    std::int64_t positions = 0;      // token positions computed, padding included
    std::int64_t targets = 0;        // positions the loss learns
    std::int64_t attentionPairs = 0; // query-key pairs of one head in one layer: the sum of length² over what attends
};

struct TrainingMemory
{
    std::uint64_t weights = 0;     // the base model as training holds it (NF4 or 16-bit)
    std::uint64_t optimizer = 0;   // the trained weights' gradients, float32 master copies and AdamW's moments
    std::uint64_t activations = 0; // what the layers keep for the backward pass, and one layer's gradients
    std::uint64_t loss = 0;        // the logits and their gradients
    std::uint64_t overhead = 0;    // the runtime's own memory, and the allocator's heap fragmented by a step's tensors
    std::uint64_t loading = 0;     // while loading: the base in 16 bits before it becomes NF4

    std::uint64_t training() const { return weights + optimizer + activations + loss + overhead; }
    std::uint64_t peak() const { return std::max(loading, training()); }
};

// dtypeBytes: the compute dtype's size (2 for bfloat16, 4 for float32); onCuda: where the job runs (whether it
// checkpoints activations by default).
TrainingMemory estimateTrainingMemory(const ModelConfig &model, const TrainingConfig &config, int dtypeBytes,
                                      bool onCuda, const BatchFootprint &batch);

// Floating-point operations to train on `tokens` positions whose examples hold `causalPairs` query-key pairs
// (n·(n+1)/2 for an example of n): the matrix products (2 per weight and position forward; backward twice that
// for trained weights, once for frozen ones that only pass the gradient on) and attention. Recomputation by
// checkpointing is not counted: it shows in the method's efficiency.
double trainingFlops(const ModelConfig &model, const TrainingConfig &config, double tokens, double causalPairs);
// The same for a forward pass only (evaluation).
double forwardFlops(const ModelConfig &model, double tokens, double causalPairs);

// Seconds the work takes on the CPU at `matmulRate` (FLOP/s, engine/MatmulRate.h): divided by the share of that
// rate the method's path reaches, measured by bench_training on this project's 2-core machine — lower for small
// models, whose matrices are too small to keep the cores busy.
double estimateCpuSeconds(const ModelConfig &model, const TrainingConfig &config, double flops, double matmulRate);

} // namespace mtm::engine
