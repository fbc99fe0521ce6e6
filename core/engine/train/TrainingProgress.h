// What a training run reports as it goes: the phase, the step, the losses, the speed, the memory and the time
// left, and the callback that hears it and can cancel. Free of LibTorch, so that the layers above share it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mtm::engine {

struct TrainingProgress
{
    enum class Phase { Preparing, Training, Evaluating, Saving, Finished };
    Phase phase = Phase::Preparing;
    std::string message;   // what is being done, for the phases other than Training
    std::int64_t step = 0; // optimiser steps done
    std::int64_t totalSteps = 0;
    double epoch = 0; // fractional: 1.5 is half-way through the second epoch
    std::int64_t epochs = 0;
    std::optional<double> loss;     // the last step's mean loss per learned token
    std::optional<double> evalLoss; // the latest held-out loss
    double learningRate = 0;
    double gradientNorm = 0;        // before clipping
    double tokensPerSecond = 0;     // training tokens per second of training (evaluation excluded)
    std::int64_t trainedTokens = 0; // over all sessions of the job
    double elapsedSeconds = 0;      // over all sessions of the job
    double etaSeconds = 0;
    std::uint64_t memoryBytes = 0; // resident memory, or CUDA memory allocated when training on CUDA
    double phaseFraction = 0;      // how far an evaluation has come
    std::string lastCheckpoint;    // the newest checkpoint of the job (where a cancelled job continues from)
};

// Returning false cancels the run within one step: it then throws EngineError of kind Cancelled, and the
// checkpoints written so far stay as they are.
using TrainingCallback = std::function<bool(const TrainingProgress &)>;

} // namespace mtm::engine
