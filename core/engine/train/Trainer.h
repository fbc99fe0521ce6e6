// Runs a fine-tuning job: prepares the model and data (TrainingSetup), then trains with AdamW, the learning-rate
// schedule, gradient accumulation and clipping, evaluates on the held-out examples, writes checkpoints, reports
// every step, and writes the output folder at the end. A job whose folder holds checkpoints continues from
// the latest one — exactly where it stopped, so that an interrupted run ends with the weights an uninterrupted
// one would have (bit for bit on the CPU). Free of LibTorch, so that the layers above can call it.
#pragma once

#include "engine/train/TrainingConfig.h"
#include "engine/train/TrainingProgress.h"
#include "engine/train/TrainingResult.h"

namespace mtm::engine {

struct TrainingRunOptions
{
    bool resume = true; // false: existing checkpoints of the job are deleted and it starts afresh
};

// Throws EngineError for what prevents training, among them a checkpoint made with other settings, another
// dataset or another base model (the message says which), and EngineError of kind Cancelled when onProgress
// cancels (the message says the step and the checkpoint the job continues from).
TrainingResult runTraining(const TrainingConfig &config, const TrainingCallback &onProgress,
                           const TrainingRunOptions &options = {});

} // namespace mtm::engine
