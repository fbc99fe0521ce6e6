// What a training job will do, known before it runs: its data tokenised exactly as the trainer will (the chosen
// model's tokenizer and chat template, the longest sequence, the held-out split) and its number of steps. Reads
// the tokenizer and the records only, not the model's weights. Free of LibTorch, for the layers above.
#pragma once

#include "engine/train/TrainingConfig.h"

#include <cstdint>

namespace mtm::engine {

struct TrainingPlan
{
    std::int64_t records = 0;
    std::int64_t trainExamples = 0;
    std::int64_t evalExamples = 0;
    std::int64_t trainTokens = 0;    // tokens of the training examples, one epoch
    std::int64_t longestExample = 0; // tokens, after truncation
    std::int64_t truncated = 0;      // records cut to max_seq_length
    std::int64_t withoutTargets = 0; // records left with nothing to learn after the cut (skipped)
    std::int64_t stepsPerEpoch = 0;
    std::int64_t steps = 0;
};

// Throws EngineError as the trainer would for the tokenizer or the records.
TrainingPlan planTraining(const TrainingConfig &config);

// Optimiser steps in one epoch of trainExamples: batches, then gradient accumulation, each rounded up.
std::int64_t stepsPerEpoch(const TrainingConfig &config, std::int64_t trainExamples);

} // namespace mtm::engine
