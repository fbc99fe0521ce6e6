#include "engine/train/TrainingPlan.h"

#include "engine/MatmulRate.h"
#include "engine/MemoryUsage.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/TrainingSetup.h"

#include <algorithm>
#include <filesystem>

namespace mtm::engine {
namespace {

std::int64_t learnedCount(const TrainingExample &example)
{
    return std::count(example.learned.begin(), example.learned.end(), std::uint8_t(1));
}

// A batch as the trainer makes it, in its layout.
BatchFootprint footprintOf(const std::vector<const TrainingExample *> &examples, const TrainingConfig &config)
{
    BatchFootprint batch;
    std::int64_t longest = 0, total = 0;
    for (const TrainingExample *example : examples) {
        const auto length = static_cast<std::int64_t>(example->ids.size());
        longest = std::max(longest, length);
        total += length;
        batch.targets += learnedCount(*example);
        batch.attentionPairs += length * length;
    }
    switch (config.batchLayout()) {
    case BatchLayout::OnePackedRow:
        batch.positions = total; // attention runs example by example
        break;
    case BatchLayout::PackedRows: {
        const std::int64_t rows = (total + config.maxSequenceLength - 1) / config.maxSequenceLength;
        const std::int64_t width = std::min(total, config.maxSequenceLength);
        batch.positions = rows * width;
        batch.attentionPairs = rows * width * width;
        break;
    }
    case BatchLayout::PaddedRows:
        batch.positions = std::int64_t(examples.size()) * longest;
        batch.attentionPairs = std::int64_t(examples.size()) * longest * longest;
        break;
    }
    return batch;
}

} // namespace

std::int64_t batchCount(const TrainingConfig &config, std::int64_t examples)
{
    return (examples + config.batchSize - 1) / config.batchSize;
}

std::int64_t stepsPerEpoch(const TrainingConfig &config, std::int64_t trainExamples)
{
    return (batchCount(config, trainExamples) + config.gradientAccumulation - 1) / config.gradientAccumulation;
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
    double trainPairs = 0, evalTokens = 0, evalPairs = 0;
    for (const std::vector<TrainingExample> *examples : {&data.train, &data.eval}) {
        for (const TrainingExample &example : *examples) {
            const auto length = static_cast<std::int64_t>(example.ids.size());
            plan.longestExample = std::max(plan.longestExample, length);
            const double pairs = double(length) * double(length + 1) / 2;
            if (examples == &data.train) {
                plan.trainTokens += length;
                trainPairs += pairs;
            } else {
                evalTokens += double(length);
                evalPairs += pairs;
            }
        }
    }
    plan.stepsPerEpoch = stepsPerEpoch(config, plan.trainExamples);
    plan.steps = plan.stepsPerEpoch * config.epochs;

    const torch::Device device = trainingDevice(config);
    const torch::Dtype dtype = trainingDtype(config, device);
    plan.onCuda = device.is_cuda();
    plan.dtype = dtypeName(dtype);
    const ModelConfig model = ModelConfig::fromFile((std::filesystem::path(config.baseModel) / "config.json").string());
    const int dtypeBytes = static_cast<int>(torch::elementSize(dtype));
    // The batches of every epoch in the trainer's order: the peak is the largest one's.
    for (std::int64_t epoch = 0; epoch < config.epochs; ++epoch) {
        const std::vector<std::size_t> order = epochOrder(data.train.size(), config.seed, epoch);
        for (std::int64_t batch = 0; batch < batchCount(config, plan.trainExamples); ++batch) {
            const TrainingMemory memory =
                estimateTrainingMemory(model, config, dtypeBytes, plan.onCuda,
                                       footprintOf(batchExamples(data.train, order, batch, config.batchSize), config));
            if (memory.peak() > plan.memory.peak())
                plan.memory = memory;
        }
    }
    plan.memoryAvailable = plan.onCuda ? cudaAvailableBytes(device.index()) : availableSystemBytes();

    // Evaluations: before the first step, then every evalEvery steps (and after the last) or after each epoch.
    const std::int64_t evaluations =
        data.eval.empty()
            ? 0
            : 1 + (config.evalEvery > 0 ? (plan.steps + config.evalEvery - 1) / config.evalEvery : config.epochs);
    plan.flops = double(config.epochs) * trainingFlops(model, config, double(plan.trainTokens), trainPairs) +
                 double(evaluations) * forwardFlops(model, evalTokens, evalPairs);
    if (!plan.onCuda) {
        plan.seconds = estimateCpuSeconds(model, config, plan.flops, cpuMatmulRate(dtype));
        plan.cpuThreads = at::get_num_threads();
    }
    return plan;
}

} // namespace mtm::engine
