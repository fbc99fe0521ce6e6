// What a training job will do, known before it runs: its data tokenised exactly as the trainer will (the chosen
// model's tokenizer and chat template, the longest sequence, the held-out split), its number of steps, and the
// memory it will need at its peak (for the largest of the batches the trainer will make, epoch by epoch) against
// the memory available where it will run, and the time it will take. Reads the tokenizer, the model's config.json and
// the records, not the model's weights. Free of LibTorch, for the layers above.
#pragma once

#include "engine/train/TrainingConfig.h"
#include "engine/train/TrainingEstimate.h"

#include <string>

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

    bool onCuda = false;               // where it will run
    std::string dtype;                 // the compute dtype: "bfloat16", "float32"
    TrainingMemory memory;             // at the peak
    std::uint64_t memoryAvailable = 0; // there, now
    double flops = 0;                  // the work: every step's and every evaluation's floating-point operations
    double seconds = 0;                // the time it will take on the CPU; 0 on CUDA (known after its first steps)
    int cpuThreads = 0;                // the threads that time was measured with

    bool fits() const { return memory.peak() <= memoryAvailable; }
};

// Throws EngineError as the trainer would for the tokenizer or the records.
TrainingPlan planTraining(const TrainingConfig &config);

// Batches that `examples` make, the last one possibly short.
std::int64_t batchCount(const TrainingConfig &config, std::int64_t examples);
// Optimiser steps in one epoch of trainExamples: batches, then gradient accumulation, each rounded up.
std::int64_t stepsPerEpoch(const TrainingConfig &config, std::int64_t trainExamples);

} // namespace mtm::engine
