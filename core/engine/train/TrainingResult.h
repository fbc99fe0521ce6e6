// What a finished training run leaves: where its output is, the history of every step and evaluation, and the
// counts of its data. Free of LibTorch, so that the layers above share it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

// One entry of a job's history: a training step (loss, learning rate, gradient norm, tokens), or an evaluation
// on the held-out examples after a step (evalLoss only).
struct HistoryEntry
{
    std::int64_t step = 0;
    double epoch = 0;
    std::optional<double> loss;     // a training step's mean loss per learned token
    std::optional<double> evalLoss; // an evaluation's mean loss per learned token
    double learningRate = 0;
    double gradientNorm = 0;
    std::int64_t tokens = 0;

    bool isEvaluation() const { return evalLoss.has_value(); }
};

struct TrainingResult
{
    std::string outputPath;
    std::string resumedFrom; // the checkpoint the run continued from, if any
    std::string lastCheckpoint;
    std::int64_t steps = 0;
    std::vector<HistoryEntry> history; // over all sessions of the job
    std::int64_t records = 0, truncated = 0, withoutTargets = 0, trainExamples = 0, evalExamples = 0;
};

} // namespace mtm::engine
