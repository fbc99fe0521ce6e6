// Runs a fine-tune on the engine in the calling thread (the app calls it from a worker thread) with the engine's
// typed configuration, progress and result, which are free of LibTorch. A job folder that holds checkpoints
// continues from the latest one unless resume is false.
#pragma once

#include "engine/train/TrainingConfig.h"
#include "engine/train/TrainingProgress.h"
#include "engine/train/TrainingResult.h"

namespace mtm::core {

// Returning false from onProgress cancels within one step: the run then ends in Error of kind Cancelled, whose
// message says the step and the checkpoint the job continues from. Throws Error for everything else.
engine::TrainingResult runFineTune(const engine::TrainingConfig &config, bool resume,
                                   const engine::TrainingCallback &onProgress);

} // namespace mtm::core
