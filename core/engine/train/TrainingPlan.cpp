#include "engine/train/TrainingPlan.h"

#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/TrainingSetup.h"

#include <algorithm>

namespace mtm::engine {

std::int64_t stepsPerEpoch(const TrainingConfig &config, std::int64_t trainExamples)
{
    const std::int64_t batches = (trainExamples + config.batchSize - 1) / config.batchSize;
    return (batches + config.gradientAccumulation - 1) / config.gradientAccumulation;
}

TrainingPlan planTraining(const TrainingConfig &config)
{
    config.check();
    const auto tokenizer = loadTokenizer(config.baseModel);
    const ChatTemplate chat = ChatTemplate::forTokenizer(*tokenizer, config.chatFormat);
    const SftData data = buildTrainingData(config, *tokenizer, chat);
    TrainingPlan plan;
    plan.records = data.records;
    plan.trainExamples = static_cast<std::int64_t>(data.train.size());
    plan.evalExamples = static_cast<std::int64_t>(data.eval.size());
    plan.truncated = data.truncated;
    plan.withoutTargets = data.withoutTargets;
    for (const std::vector<TrainingExample> *examples : {&data.train, &data.eval}) {
        for (const TrainingExample &example : *examples) {
            const auto length = static_cast<std::int64_t>(example.ids.size());
            plan.longestExample = std::max(plan.longestExample, length);
            if (examples == &data.train)
                plan.trainTokens += length;
        }
    }
    plan.stepsPerEpoch = stepsPerEpoch(config, plan.trainExamples);
    plan.steps = plan.stepsPerEpoch * config.epochs;
    return plan;
}

} // namespace mtm::engine
