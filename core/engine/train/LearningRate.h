// The learning-rate schedules of transformers' Trainer: a linear warmup from zero, then linear decay to zero,
// half a cosine down to zero, or constant. The rate of optimiser step k (counting from 0) is peak · factor(k).
#pragma once

#include "engine/train/TrainingConfig.h"

#include <cstdint>

namespace mtm::engine {

double learningRateFactor(LearningRateSchedule schedule, std::int64_t step, std::int64_t warmupSteps,
                          std::int64_t totalSteps);

// warmup_steps when given, else ceil(warmup_ratio · total), as transformers computes it.
std::int64_t warmupStepsFor(const TrainingConfig &config, std::int64_t totalSteps);

} // namespace mtm::engine
