// Runs a fine-tuning job: prepares the model and data (TrainingSetup), then trains with AdamW, the learning-rate
// schedule, gradient accumulation and clipping, evaluates on the held-out examples, writes checkpoints, reports
// every step, and writes the output folder at the end. A job whose folder holds checkpoints continues from
// the latest one — exactly where it stopped, so that an interrupted run ends with the weights an uninterrupted
// one would have (bit for bit on the CPU).
#pragma once

#include "engine/train/CheckpointStore.h"
#include "engine/train/TrainingConfig.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mtm::engine {

struct TrainingProgress
{
    enum class Phase { Preparing, Training, Evaluating, Saving, Finished };
    Phase phase = Phase::Preparing;
    std::string message;        // what is being done, for the phases other than Training
    std::int64_t step = 0;      // optimiser steps done
    std::int64_t totalSteps = 0;
    double epoch = 0;           // fractional: 1.5 is half-way through the second epoch
    std::int64_t epochs = 0;
    std::optional<double> loss; // the last step's mean loss per learned token
    std::optional<double> evalLoss; // the latest held-out loss
    double learningRate = 0;
    double gradientNorm = 0;    // before clipping
    double tokensPerSecond = 0; // training tokens per second of training (evaluation excluded)
    std::int64_t trainedTokens = 0; // over all sessions of the job
    double elapsedSeconds = 0;  // over all sessions of the job
    double etaSeconds = 0;
    std::uint64_t memoryBytes = 0; // resident memory, or CUDA memory allocated when training on CUDA
    double phaseFraction = 0;      // how far an evaluation has come
};

// Returning false cancels the job within one step; the checkpoints written so far stay as they are.
using TrainingCallback = std::function<bool(const TrainingProgress &)>;

struct TrainingRunOptions
{
    bool resume = true; // false: existing checkpoints of the job are deleted and it starts afresh
};

struct TrainingResult
{
    bool completed = false; // false when cancelled
    std::string outputPath;
    std::string resumedFrom; // the checkpoint the run continued from, if any
    std::string lastCheckpoint;
    TrainerState state; // with the loss history
    std::int64_t records = 0, truncated = 0, withoutTargets = 0, trainExamples = 0, evalExamples = 0;
};

// Throws EngineError for what prevents training, among them a checkpoint made with other settings, another
// dataset or another base model (the message says which).
TrainingResult runTraining(const TrainingConfig &config, const TrainingCallback &onProgress,
                           const TrainingRunOptions &options = {});

} // namespace mtm::engine
