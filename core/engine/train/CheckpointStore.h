// A job's training checkpoints: <job>/checkpoints/checkpoint-<step>/ with the trainable weights at full
// precision (weights.safetensors), the optimiser's moments and the random generator's state
// (optimizer.safetensors) and the trainer's state (trainer_state.json: step, settings fingerprint, loss
// history). Each is written into a temporary folder that is renamed into place, so a crash never leaves half a
// checkpoint; only the last few are kept.
#pragma once

#include "engine/train/TrainingResult.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

struct TrainerState
{
    std::int64_t step = 0; // optimiser steps done
    std::int64_t totalSteps = 0;
    double elapsedSeconds = 0; // wall time of training and evaluation, over all sessions of the job
    std::int64_t trainedTokens = 0;
    nlohmann::json identity;           // what the run depends on: settings, dataset and base model
    std::vector<HistoryEntry> history; // one entry per step and per evaluation (log_history in the file)

    nlohmann::json toJson() const;
    static TrainerState fromJson(const nlohmann::json &json, const std::string &where);
};

struct CheckpointContents
{
    TrainerState state;
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    std::vector<std::pair<std::string, torch::Tensor>> moments;
    torch::Tensor randomState; // uint8; undefined when there is none
};

struct LoadedCheckpoint
{
    std::string path;
    TrainerState state;
    std::map<std::string, torch::Tensor> weights;
    std::map<std::string, torch::Tensor> moments;
    torch::Tensor randomState;
};

class CheckpointStore
{
public:
    explicit CheckpointStore(std::string directory);

    const std::string &directory() const { return m_directory; }
    // Writes checkpoint-<step>, then removes the oldest so that `keep` remain. Returns its path.
    std::string write(const CheckpointContents &contents, std::int64_t keep) const;
    // The complete checkpoint with the highest step, if any.
    std::optional<std::string> latest() const;
    // Throws EngineError naming the file when something is missing or damaged.
    static LoadedCheckpoint read(const std::string &path);

private:
    std::vector<std::pair<std::int64_t, std::string>> complete() const; // by step, ascending

    std::string m_directory;
};

} // namespace mtm::engine
