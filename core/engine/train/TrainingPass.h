// One pass of a batch through the model for training: forward, loss (summed cross-entropy over the targets)
// and backward — the standard way, or the fast path's; with or without activation checkpointing, which keeps
// only each layer's input and recomputes the layer during the backward pass.
#pragma once

#include "engine/model/Transformer.h"
#include "engine/train/SftData.h"

#include <memory>

namespace mtm::engine {

struct PassOptions
{
    bool fastKernels = false;
    bool checkpointActivations = false;
    std::shared_ptr<at::Generator> dropoutSource; // the LoRA dropout's generator, replayed when recomputing
};

// Adds the gradient of lossScale · loss to the trainable parameters; returns the summed loss.
double trainOnBatch(Transformer &model, const Batch &batch, double lossScale, const PassOptions &options);
// The summed loss, without gradients.
double evaluateBatch(Transformer &model, const Batch &batch, const PassOptions &options);

} // namespace mtm::engine
