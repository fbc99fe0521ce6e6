#include "engine/train/Trainer.h"

#include "engine/train/CheckpointStore.h"

#include "engine/ComputeEnvironment.h"
#include "engine/EngineError.h"
#include "engine/MemoryUsage.h"
#include "engine/train/LearningRate.h"
#include "engine/train/TrainingOutput.h"
#include "engine/train/TrainingPass.h"
#include "engine/train/TrainingPlan.h"
#include "engine/train/TrainingSetup.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace mtm::engine {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The batches of the examples in the given order: batchSize examples each, padded or packed.
Batch makeBatch(const std::vector<TrainingExample> &examples, const std::vector<std::size_t> &order, std::int64_t batch,
                const TrainingConfig &config, std::int32_t padId)
{
    const std::vector<const TrainingExample *> chosen = batchExamples(examples, order, batch, config.batchSize);
    switch (config.batchLayout()) {
    case BatchLayout::OnePackedRow:
        return packBatch(chosen, 0, padId);
    case BatchLayout::PackedRows:
        return packBatch(chosen, config.maxSequenceLength, padId);
    case BatchLayout::PaddedRows:
        break;
    }
    return padBatch(chosen, padId);
}

class TrainingRun
{
public:
    TrainingRun(const TrainingConfig &config, const TrainingCallback &onProgress)
        : m_config(config)
        , m_onProgress(onProgress)
    {
        m_progress.epochs = config.epochs;
    }

    TrainingResult run(const TrainingRunOptions &options);

private:
    bool report(TrainingProgress::Phase phase, const std::string &message = {})
    {
        m_progress.phase = phase;
        m_progress.message = message;
        m_progress.memoryBytes =
            m_setup.device.is_cuda() ? cudaAllocatedBytes(m_setup.device.index()) : residentBytes();
        return !m_onProgress || m_onProgress(m_progress);
    }
    void reportOrCancel(TrainingProgress::Phase phase, const std::string &message = {})
    {
        if (!report(phase, message))
            cancel();
    }
    void evaluate();
    [[noreturn]] void cancel() const;
    void resumeFrom(const std::string &checkpoint, AdamW &optimizer, TrainingResult &result);
    std::string saveCheckpoint(const AdamW &optimizer);

    const TrainingConfig &m_config;
    const TrainingCallback &m_onProgress;
    TrainingProgress m_progress;
    TrainingSetup m_setup;
    TrainerState m_state;
    std::vector<Batch> m_evalBatches;
    PassOptions m_pass;
};

void TrainingRun::evaluate()
{
    m_setup.model->eval(); // a cancelled run ends here, so the model need not go back to training
    double sum = 0;
    std::int64_t targets = 0;
    for (std::size_t i = 0; i < m_evalBatches.size(); ++i) {
        m_progress.phaseFraction = double(i) / double(m_evalBatches.size());
        reportOrCancel(TrainingProgress::Phase::Evaluating, "Evaluating on the held-out examples");
        sum += evaluateBatch(*m_setup.model, m_evalBatches[i], m_pass);
        targets += m_evalBatches[i].targetCount;
    }
    m_setup.model->train();
    const double loss = sum / double(std::max<std::int64_t>(1, targets));
    HistoryEntry entry;
    entry.step = m_state.step;
    entry.evalLoss = loss;
    m_state.history.push_back(entry);
    m_progress.evalLoss = loss;
    m_progress.phaseFraction = 1.0;
    report(TrainingProgress::Phase::Evaluating, "Evaluated on the held-out examples");
}

void TrainingRun::cancel() const
{
    const std::string stopped =
        "Training was cancelled at step " + std::to_string(m_state.step) + " of " + std::to_string(m_state.totalSteps);
    throw EngineError(m_progress.lastCheckpoint.empty()
                          ? stopped + "; no checkpoint was written yet, so the job starts from the beginning when it "
                                      "runs again"
                          : stopped + "; the job continues from " + m_progress.lastCheckpoint + " when it runs again",
                      EngineError::Kind::Cancelled);
}

void TrainingRun::resumeFrom(const std::string &checkpoint, AdamW &optimizer, TrainingResult &result)
{
    report(TrainingProgress::Phase::Preparing,
           "Resuming from " + std::filesystem::path(checkpoint).filename().string());
    LoadedCheckpoint loaded = CheckpointStore::read(checkpoint);
    if (const auto why = resumeMismatch(loaded.state.identity, m_setup.identity))
        throw EngineError("Cannot resume from " + checkpoint + ": " + *why +
                          ". Continuing would not be the same training; start the job afresh instead.");
    if (loaded.state.totalSteps != m_state.totalSteps)
        throw EngineError("Cannot resume from " + checkpoint + ": it belongs to a run of " +
                          std::to_string(loaded.state.totalSteps) + " steps, this one has " +
                          std::to_string(m_state.totalSteps));
    optimizer.restore(loaded.weights, loaded.moments, loaded.state.step);
    if (loaded.randomState.defined())
        m_setup.dropoutSource->set_state(loaded.randomState);
    m_state = loaded.state;
    result.resumedFrom = checkpoint;
    m_progress.lastCheckpoint = checkpoint;
    for (auto entry = m_state.history.rbegin(); entry != m_state.history.rend(); ++entry) {
        if (entry->evalLoss && !m_progress.evalLoss)
            m_progress.evalLoss = entry->evalLoss;
        if (entry->loss && !m_progress.loss)
            m_progress.loss = entry->loss;
    }
}

std::string TrainingRun::saveCheckpoint(const AdamW &optimizer)
{
    report(TrainingProgress::Phase::Saving, "Writing checkpoint-" + std::to_string(m_state.step));
    CheckpointContents contents;
    contents.state = m_state;
    contents.weights = optimizer.weights();
    contents.moments = optimizer.moments();
    contents.randomState = m_setup.dropoutSource->get_state();
    const CheckpointStore store((std::filesystem::path(m_config.outputDirectory) / "checkpoints").string());
    return store.write(contents, m_config.keepCheckpoints);
}

TrainingResult TrainingRun::run(const TrainingRunOptions &options)
{
    TrainingResult result;
    m_config.check();
    const CheckpointStore store((std::filesystem::path(m_config.outputDirectory) / "checkpoints").string());
    if (!options.resume) {
        std::error_code ignored;
        std::filesystem::remove_all(store.directory(), ignored);
    }

    report(TrainingProgress::Phase::Preparing, "Preparing");
    m_setup = prepareTraining(m_config, [this](const std::string &message) {
        reportOrCancel(TrainingProgress::Phase::Preparing, message); // loading a large model takes a while
    });
    const SftData &data = m_setup.data;
    result.records = data.records;
    result.truncated = data.truncated;
    result.withoutTargets = data.withoutTargets;
    result.trainExamples = static_cast<std::int64_t>(data.train.size());
    result.evalExamples = static_cast<std::int64_t>(data.eval.size());

    const std::int64_t batchesPerEpoch = batchCount(m_config, result.trainExamples);
    const std::int64_t stepsPerEpoch = engine::stepsPerEpoch(m_config, result.trainExamples);
    m_state.totalSteps = stepsPerEpoch * m_config.epochs;
    m_state.identity = m_setup.identity;
    m_progress.totalSteps = m_state.totalSteps;
    const std::int64_t warmup = warmupStepsFor(m_config, m_state.totalSteps);
    m_pass = {m_config.usesFastPath(), m_config.checkpointsActivations(m_setup.device.is_cuda()),
              m_setup.dropoutSource};

    AdamW optimizer(m_setup.trainable, {0.9, 0.999, 1e-8, m_config.weightDecay});
    if (const auto latest = store.latest(); latest && options.resume)
        resumeFrom(*latest, optimizer, result);

    std::vector<std::size_t> evalOrder(data.eval.size());
    for (std::size_t i = 0; i < evalOrder.size(); ++i)
        evalOrder[i] = i;
    for (std::int64_t b = 0; b < batchCount(m_config, result.evalExamples); ++b)
        m_evalBatches.push_back(makeBatch(data.eval, evalOrder, b, m_config, m_setup.padId));

    const Clock::time_point sessionStart = Clock::now();
    const double elapsedBefore = m_state.elapsedSeconds;
    const std::int64_t stepBefore = m_state.step;
    double computeSeconds = 0;
    std::int64_t sessionTokens = 0;
    const auto updateTimes = [&] {
        const double session = secondsSince(sessionStart);
        m_state.elapsedSeconds = elapsedBefore + session;
        m_progress.elapsedSeconds = m_state.elapsedSeconds;
        const std::int64_t done = m_state.step - stepBefore;
        m_progress.etaSeconds = done > 0 ? session / double(done) * double(m_state.totalSteps - m_state.step) : 0;
        m_progress.tokensPerSecond = computeSeconds > 0 ? double(sessionTokens) / computeSeconds : 0;
        m_progress.step = m_state.step;
        m_progress.trainedTokens = m_state.trainedTokens;
        m_progress.epoch = double(m_state.step) / double(stepsPerEpoch);
    };
    updateTimes();
    if (m_state.step == 0 && !m_evalBatches.empty())
        evaluate();

    std::int64_t orderEpoch = -1;
    std::vector<std::size_t> order;
    Clock::time_point lastCheckpointTime = Clock::now();
    while (m_state.step < m_state.totalSteps) {
        const std::int64_t epoch = m_state.step / stepsPerEpoch;
        if (epoch != orderEpoch) {
            order = epochOrder(data.train.size(), m_config.seed, epoch);
            orderEpoch = epoch;
        }
        const std::int64_t firstBatch = (m_state.step % stepsPerEpoch) * m_config.gradientAccumulation;
        const std::int64_t lastBatch = std::min(firstBatch + m_config.gradientAccumulation, batchesPerEpoch);

        const Clock::time_point stepStart = Clock::now();
        std::vector<Batch> batches;
        std::int64_t targets = 0, tokens = 0;
        for (std::int64_t b = firstBatch; b < lastBatch; ++b) {
            batches.push_back(makeBatch(data.train, order, b, m_config, m_setup.padId));
            targets += batches.back().targetCount;
            tokens += batches.back().tokens;
        }
        double lossSum = 0;
        for (const Batch &batch : batches) {
            lossSum += trainOnBatch(*m_setup.model, batch, 1.0 / double(targets), m_pass);
            optimizer.gatherGradients();
        }
        const double gradientNorm = optimizer.clipGradients(m_config.maxGradNorm);
        const double learningRate =
            m_config.learningRate * learningRateFactor(m_config.schedule, m_state.step, warmup, m_state.totalSteps);
        optimizer.step(learningRate);
        computeSeconds += secondsSince(stepStart);
        sessionTokens += tokens;

        ++m_state.step;
        m_state.trainedTokens += tokens;
        const double loss = lossSum / double(targets);
        m_progress.loss = loss;
        m_progress.learningRate = learningRate;
        m_progress.gradientNorm = gradientNorm;
        updateTimes();
        HistoryEntry entry;
        entry.step = m_state.step;
        entry.epoch = m_progress.epoch;
        entry.loss = loss;
        entry.learningRate = learningRate;
        entry.gradientNorm = gradientNorm;
        entry.tokens = tokens;
        m_state.history.push_back(entry);
        reportOrCancel(TrainingProgress::Phase::Training);

        const bool last = m_state.step == m_state.totalSteps;
        const bool evalDue = m_config.evalEvery > 0 ? (m_state.step % m_config.evalEvery == 0 || last)
                                                    : m_state.step % stepsPerEpoch == 0;
        if (evalDue && !m_evalBatches.empty()) {
            evaluate();
            updateTimes();
        }
        // By steps when asked; otherwise every few minutes of work, so that a crash loses little.
        const bool checkpointDue =
            m_config.checkpointEvery > 0
                ? m_state.step % m_config.checkpointEvery == 0
                : m_config.checkpointMinutes > 0 && secondsSince(lastCheckpointTime) >= 60 * m_config.checkpointMinutes;
        if (checkpointDue || last) {
            m_progress.lastCheckpoint = saveCheckpoint(optimizer);
            lastCheckpointTime = Clock::now();
        }
    }

    report(TrainingProgress::Phase::Saving, "Writing " + m_config.outputFolderName());
    result.outputPath = writeTrainingOutput(m_config, m_setup, m_state);
    result.lastCheckpoint = store.latest().value_or("");
    result.steps = m_state.step;
    result.history = m_state.history;
    updateTimes();
    report(TrainingProgress::Phase::Finished, "Finished");
    return result;
}

} // namespace

TrainingResult runTraining(const TrainingConfig &config, const TrainingCallback &onProgress,
                           const TrainingRunOptions &options)
{
    // However the run ends, its model, optimiser and tensors go with it, and the memory they took goes back to the
    // system (and to the GPU's other users) at once rather than waiting in the process for a next job. The kernels
    // oneDNN compiled go too, before and after: cached by one run, they misled the next (ComputeEnvironment.h), and
    // what runs after a job in the same process (the Chat tab, an index) starts as clean.
    struct GiveMemoryBack
    {
        ~GiveMemoryBack()
        {
            clearCompiledKernelCache();
            releaseFreedMemory();
        }
    } giveMemoryBack;
    clearCompiledKernelCache();
    TrainingRun run(config, onProgress);
    return run.run(options);
}

} // namespace mtm::engine
