#include "engine/train/CheckpointStore.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/DurableFiles.h"
#include "engine/io/Safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

const char *kStateFile = "trainer_state.json";
const char *kWeightsFile = "weights.safetensors";
const char *kOptimizerFile = "optimizer.safetensors";
const char *kRandomStateName = "random_state";

void writeJson(const fs::path &path, const nlohmann::json &json)
{
    writeFileAtomically(path.string(), json.dump(1) + "\n");
}

// A history entry as transformers' trainer_state.json writes it: a step or an evaluation.
nlohmann::json historyEntryJson(const HistoryEntry &entry)
{
    if (entry.isEvaluation())
        return {{"step", entry.step}, {"eval_loss", *entry.evalLoss}};
    return {{"step", entry.step},
            {"epoch", entry.epoch},
            {"loss", entry.loss.value_or(0.0)},
            {"learning_rate", entry.learningRate},
            {"grad_norm", entry.gradientNorm},
            {"tokens", entry.tokens}};
}

HistoryEntry historyEntryFromJson(const nlohmann::json &json)
{
    HistoryEntry entry;
    entry.step = json.at("step").get<std::int64_t>();
    if (json.contains("eval_loss")) {
        entry.evalLoss = json.at("eval_loss").get<double>();
        return entry;
    }
    entry.epoch = json.at("epoch").get<double>();
    entry.loss = json.at("loss").get<double>();
    entry.learningRate = json.at("learning_rate").get<double>();
    entry.gradientNorm = json.at("grad_norm").get<double>();
    entry.tokens = json.at("tokens").get<std::int64_t>();
    return entry;
}

} // namespace

nlohmann::json TrainerState::toJson() const
{
    nlohmann::json log = nlohmann::json::array();
    for (const HistoryEntry &entry : history)
        log.push_back(historyEntryJson(entry));
    return {{"global_step", step},
            {"max_steps", totalSteps},
            {"elapsed_seconds", elapsedSeconds},
            {"trained_tokens", trainedTokens},
            {"identity", identity},
            {"log_history", log}};
}

TrainerState TrainerState::fromJson(const nlohmann::json &json, const std::string &where)
{
    TrainerState state;
    try {
        state.step = json.at("global_step").get<std::int64_t>();
        state.totalSteps = json.at("max_steps").get<std::int64_t>();
        state.elapsedSeconds = json.at("elapsed_seconds").get<double>();
        state.trainedTokens = json.at("trained_tokens").get<std::int64_t>();
        state.identity = json.at("identity");
        for (const nlohmann::json &entry : json.at("log_history"))
            state.history.push_back(historyEntryFromJson(entry));
    } catch (const nlohmann::json::exception &error) {
        throw EngineError(where + " is damaged: " + jsonErrorText(error.what()));
    }
    if (state.step < 0 || state.totalSteps < state.step || !(state.elapsedSeconds >= 0))
        throw EngineError(where + " is damaged: it says step " + std::to_string(state.step) + " of " +
                          std::to_string(state.totalSteps));
    return state;
}

CheckpointStore::CheckpointStore(std::string directory)
    : m_directory(std::move(directory))
{}

std::vector<std::pair<std::int64_t, std::string>> CheckpointStore::complete() const
{
    std::vector<std::pair<std::int64_t, std::string>> found;
    std::error_code error;
    if (!fs::is_directory(m_directory, error))
        return found;
    static const std::regex name("checkpoint-([0-9]{1,18})");
    for (const fs::directory_entry &entry : fs::directory_iterator(m_directory, error)) {
        std::smatch match;
        const std::string folder = entry.path().filename().string();
        if (entry.is_directory() && std::regex_match(folder, match, name) &&
            fs::exists(entry.path() / kStateFile, error))
            found.emplace_back(std::stoll(match[1].str()), entry.path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::string CheckpointStore::write(const CheckpointContents &contents, std::int64_t keep) const
{
    const fs::path target = fs::path(m_directory) / ("checkpoint-" + std::to_string(contents.state.step));
    const fs::path partial =
        fs::path(m_directory) / (".checkpoint-" + std::to_string(contents.state.step) + ".partial");
    std::error_code error;
    fs::remove_all(partial, error);
    fs::create_directories(partial, error);
    if (error)
        throw EngineError("Cannot create " + partial.string() + ": " + error.message(), EngineError::Kind::Io);

    writeSafetensors((partial / kWeightsFile).string(), contents.weights, {{"format", "pt"}});
    auto optimizer = contents.moments;
    if (contents.randomState.defined())
        optimizer.emplace_back(kRandomStateName, contents.randomState);
    writeSafetensors((partial / kOptimizerFile).string(), optimizer, {{"format", "pt"}});
    writeJson(partial / kStateFile, contents.state.toJson());

    replaceFolder(partial.string(), target.string());

    auto all = complete();
    for (std::size_t i = 0; i + static_cast<std::size_t>(std::max<std::int64_t>(1, keep)) < all.size(); ++i)
        fs::remove_all(all[i].second, error);
    return target.string();
}

std::optional<std::string> CheckpointStore::latest() const
{
    const auto all = complete();
    if (all.empty())
        return std::nullopt;
    return all.back().second;
}

LoadedCheckpoint CheckpointStore::read(const std::string &path)
{
    LoadedCheckpoint loaded;
    loaded.path = path;
    const fs::path folder(path);
    const std::string statePath = (folder / kStateFile).string();
    loaded.state = TrainerState::fromJson(readJsonFile(statePath), statePath);

    const SafetensorsFile weights((folder / kWeightsFile).string());
    for (const SafetensorsEntry &entry : weights.entries())
        loaded.weights[entry.name] = weights.load(entry.name);
    const SafetensorsFile optimizer((folder / kOptimizerFile).string());
    for (const SafetensorsEntry &entry : optimizer.entries()) {
        if (entry.name == kRandomStateName)
            loaded.randomState = optimizer.load(entry.name);
        else
            loaded.moments[entry.name] = optimizer.load(entry.name);
    }
    return loaded;
}

} // namespace mtm::engine
