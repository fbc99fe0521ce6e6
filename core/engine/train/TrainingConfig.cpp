#include "engine/train/TrainingConfig.h"

#include "engine/DeviceChoice.h"
#include "engine/EngineError.h"

#include <nlohmann/json.hpp>

namespace mtm::engine {

using nlohmann::json;

std::string TrainingConfig::methodId() const
{
    switch (method) {
    case TrainingMethod::Qlora:
        return "qlora";
    case TrainingMethod::Lora:
        return "lora";
    case TrainingMethod::FastLora:
        return "unsloth";
    case TrainingMethod::Full:
        break;
    }
    return "standard";
}

std::string TrainingConfig::outputFolderName() const
{
    switch (method) {
    case TrainingMethod::Qlora:
        return "qlora_model";
    case TrainingMethod::Lora:
    case TrainingMethod::FastLora:
        return "lora_model";
    case TrainingMethod::Full:
        break;
    }
    return "standard_model";
}

int TrainingConfig::cudaIndex() const
{
    return cudaIndexOf(device);
}

std::vector<SettingProblem> TrainingConfig::problems() const
{
    std::vector<SettingProblem> found;
    const auto require = [&](bool condition, const char *setting, const char *problem) {
        if (!condition)
            found.push_back({setting, problem});
    };
    require(!baseModel.empty(), "model_name", "the base model folder is missing");
    require(!records.empty(), "dataset", "the records to train on are missing");
    require(!outputDirectory.empty(), "output_dir", "the job folder is missing");
    require(epochs >= 1 && epochs <= 1000, "epochs", "must be 1 to 1000");
    require(batchSize >= 1 && batchSize <= 4096, "batch_size", "must be 1 to 4096");
    require(gradientAccumulation >= 1, "gradient_accumulation_steps", "must be at least 1");
    require(learningRate > 0 && learningRate < 1, "learning_rate", "must be above 0 and below 1");
    require(weightDecay >= 0, "weight_decay", "must not be negative");
    require(warmupRatio >= 0 && warmupRatio < 1, "warmup_ratio", "must be in [0, 1)");
    require(maxGradNorm >= 0, "max_grad_norm", "must not be negative (0 turns clipping off)");
    require(maxSequenceLength >= 8, "max_seq_length", "must be at least 8");
    require(evalFraction >= 0 && evalFraction < 1, "eval_split", "must be in [0, 1)");
    require(evalCount >= 0, "eval_count", "must not be negative");
    require(evalEvery >= 0, "eval_steps", "must not be negative");
    require(lora.rank >= 1 && lora.rank <= 4096, "lora_r", "must be 1 to 4096");
    require(lora.alpha > 0, "lora_alpha", "must be above 0");
    require(lora.dropout >= 0 && lora.dropout < 1, "lora_dropout", "must be in [0, 1)");
    // The fast path's kernels keep no dropout mask; like Unsloth's fast path it trains without dropout.
    require(!usesFastPath() || lora.dropout == 0, "lora_dropout",
            "must be 0 on the fast path, which trains without dropout (lora, and qlora with fast_path false, train "
            "with it)");
    require(dtype == "auto" || dtype == "float32" || dtype == "bfloat16", "dtype", "must be auto, float32 or bfloat16");
    require(cudaIndex() >= -1, "device", "must be auto, cpu, cuda or cuda:N (N: a GPU's number, from 0)");
    require(checkpointEvery >= 0, "save_steps", "must not be negative");
    require(checkpointMinutes >= 0, "save_minutes", "must not be negative");
    require(keepCheckpoints >= 1, "save_total_limit", "must be at least 1");
    return found;
}

void TrainingConfig::check() const
{
    const std::vector<SettingProblem> found = problems();
    if (found.empty())
        return;
    std::string message = "The training settings cannot be used: ";
    for (std::size_t i = 0; i < found.size(); ++i)
        message += (i ? "; " : "") + found[i].setting + " " + found[i].problem;
    throw EngineError(message);
}

json TrainingConfig::toJson() const
{
    json out = fingerprint();
    out["model_name"] = baseModel;
    out["dataset"] = records;
    out["output_dir"] = outputDirectory;
    out["eval_steps"] = evalEvery;
    out["save_steps"] = checkpointEvery;
    out["save_minutes"] = checkpointMinutes;
    out["save_total_limit"] = keepCheckpoints;
    out["max_shard_size"] = maxShardBytes;
    out["device"] = device;
    if (gradientCheckpointing)
        out["gradient_checkpointing"] = *gradientCheckpointing;
    return out;
}

json TrainingConfig::fingerprint() const
{
    static const char *schedules[] = {"linear", "cosine", "constant"};
    json out = {
        {"training_type", methodId()},
        {"epochs", epochs},
        {"batch_size", batchSize},
        {"gradient_accumulation_steps", gradientAccumulation},
        {"learning_rate", learningRate},
        {"weight_decay", weightDecay},
        {"lr_scheduler_type", schedules[int(schedule)]},
        {"warmup_ratio", warmupRatio},
        {"warmup_steps", warmupSteps},
        {"max_grad_norm", maxGradNorm},
        {"max_seq_length", maxSequenceLength},
        {"train_on_prompts", trainOnPrompts},
        {"eval_split", evalFraction},
        {"eval_count", evalCount},
        {"seed", seed},
        {"lora_r", lora.rank},
        {"lora_alpha", lora.alpha},
        {"lora_dropout", lora.dropout},
        {"use_rslora", lora.rsLora},
        {"target_modules", lora.targets},
        {"load_in_4bit", baseIn4Bit},
        {"fast_path", usesFastPath()},
        {"packing", packing},
        {"dtype", dtype},
    };
    if (chatFormat)
        out["chat_format"] = ChatTemplate::formatId(*chatFormat);
    return out;
}

} // namespace mtm::engine
