#include "jobs/FineTuneRun.h"

#include "EngineCall.h"
#include "engine/train/Trainer.h"

namespace mtm::core {

engine::TrainingResult runFineTune(const engine::TrainingConfig &config, bool resume,
                                   const engine::TrainingCallback &onProgress)
{
    return callEngine([&] { return engine::runTraining(config, onProgress, engine::TrainingRunOptions{resume}); });
}

} // namespace mtm::core
