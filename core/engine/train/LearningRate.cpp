#include "engine/train/LearningRate.h"

#include <algorithm>
#include <cmath>

namespace mtm::engine {

double learningRateFactor(LearningRateSchedule schedule, std::int64_t step, std::int64_t warmupSteps,
                          std::int64_t totalSteps)
{
    if (step < warmupSteps)
        return double(step) / double(std::max<std::int64_t>(1, warmupSteps));
    const double progress =
        double(step - warmupSteps) / double(std::max<std::int64_t>(1, totalSteps - warmupSteps));
    switch (schedule) {
    case LearningRateSchedule::Linear:
        return std::max(0.0, 1.0 - progress);
    case LearningRateSchedule::Cosine:
        return std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
    case LearningRateSchedule::Constant:
        break;
    }
    return 1.0;
}

std::int64_t warmupStepsFor(const TrainingConfig &config, std::int64_t totalSteps)
{
    if (config.warmupSteps >= 0)
        return config.warmupSteps;
    return static_cast<std::int64_t>(std::ceil(config.warmupRatio * double(totalSteps)));
}

} // namespace mtm::engine
