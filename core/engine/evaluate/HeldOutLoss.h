// How well a model predicts a job's held-out examples: the mean loss per learned token, as the trainer's own
// evaluations measure it — the same examples, split, rendered and truncated as the job's training did — for any
// model of the job's tokenizer: its base, the fine-tuned model, a GGUF file read back. What a fine-tune gained
// and what a quantisation costs, on the user's own data.
#pragma once

#include "engine/EngineProgress.h"
#include "engine/train/SftData.h"
#include "engine/train/TrainingConfig.h"

#include <cstdint>
#include <vector>

namespace mtm::engine {

class Transformer;

struct HeldOutExamples
{
    std::vector<TrainingExample> examples;
    std::int32_t padId = 0;
};

// The held-out examples of a job's configuration (its records, base model tokenizer, chat format and split).
HeldOutExamples heldOutExamples(const TrainingConfig &config);

// Mean loss per learned token over the examples, in padded batches of batchSize on the model's device;
// progress(batches done, batches) returns false to cancel (EngineError of kind Cancelled).
double heldOutLoss(Transformer &model, const HeldOutExamples &heldOut, std::int64_t batchSize,
                   const EngineProgress &progress = {});

} // namespace mtm::engine
