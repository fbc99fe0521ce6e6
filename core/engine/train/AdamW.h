// AdamW as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected moments), with mixed precision:
// a parameter kept in bf16 or fp16 for compute gets a float32 master copy, its gradients are summed in float32
// across micro-batches, and every update is done in float32. Its state — moments, master weights, step count —
// can be saved and restored exactly.
#pragma once

#include "engine/LiveObjects.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

struct TrainableParameter
{
    std::string name;
    torch::Tensor value; // the model's parameter
    bool decay = true;   // whether weight decay applies
};

class AdamW
{
public:
    struct Options
    {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double epsilon = 1e-8;
        double weightDecay = 0.0;
    };

    AdamW(std::vector<TrainableParameter> parameters, const Options &options);

    // Call after each backward pass: moves the gradients of low-precision parameters into float32 sums.
    void gatherGradients();
    // The global L2 norm of the gradients; when maxNorm > 0 and the norm is above it, the gradients are scaled
    // down to it (as torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
    double clipGradients(double maxNorm);
    // One update at this learning rate, then the gradients are cleared.
    void step(double learningRate);
    std::int64_t steps() const { return m_steps; }

    // The parameters at full precision (the master copies where there are some), by name.
    std::vector<std::pair<std::string, torch::Tensor>> weights() const;
    // "exp_avg.<name>" and "exp_avg_sq.<name>" for each parameter that has been updated.
    std::vector<std::pair<std::string, torch::Tensor>> moments() const;
    // Puts back what weights() and moments() returned, and the step count. Throws EngineError for a missing
    // or misshapen tensor.
    void restore(const std::map<std::string, torch::Tensor> &weights,
                 const std::map<std::string, torch::Tensor> &moments, std::int64_t steps);

private:
    detail::LiveCounter m_live{detail::optimizerCount()};
    struct Slot
    {
        TrainableParameter parameter;
        torch::Tensor master;   // float32 copy when the parameter is in lower precision
        torch::Tensor gradient; // float32 sum of gradients when there is a master copy
        torch::Tensor expAvg, expAvgSq;
        torch::Tensor &fullPrecision() { return master.defined() ? master : parameter.value; }
        torch::Tensor currentGradient() const;
    };

    std::vector<Slot> m_slots;
    Options m_options;
    std::int64_t m_steps = 0;
};

} // namespace mtm::engine
