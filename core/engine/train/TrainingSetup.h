// Everything a training run needs, made from its configuration: the device and compute dtype, the tokenizer
// and chat format, the examples (training and held-out), the model with the method applied (NF4 base and LoRA
// adapters, or every weight trainable), the named trainable parameters, the LoRA dropout's random generator,
// and the identity of the run (settings, dataset and base model) that a resumed run must share.
#pragma once

#include "engine/chat/ChatTemplate.h"
#include "engine/model/Transformer.h"
#include "engine/tokenizer/Tokenizer.h"
#include "engine/train/AdamW.h"
#include "engine/train/SftData.h"
#include "engine/train/TrainingConfig.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

struct TrainingSetup
{
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32; // the compute dtype of the base weights and activations
    std::shared_ptr<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat;
    SftData data;
    std::shared_ptr<Transformer> model;
    std::vector<TrainableParameter> trainable;
    std::shared_ptr<at::Generator> dropoutSource;
    std::int32_t padId = 0;
    nlohmann::json identity;
};

// Throws EngineError saying what is wrong (a missing model, a record it cannot use, CUDA asked for but absent).
// `onMessage` hears what is being done ("Loading the base model ...").
TrainingSetup prepareTraining(const TrainingConfig &config, const std::function<void(const std::string &)> &onMessage);

// Where the job computes and in which dtype: "auto" becomes CUDA where present and bfloat16 where it is fast.
// Throws EngineError when CUDA is asked for but absent.
torch::Device trainingDevice(const TrainingConfig &config);
torch::Dtype trainingDtype(const TrainingConfig &config, const torch::Device &device);

// The job's examples, tokenised with its tokenizer and chat template (the trainer's and the plan's one way).
SftData buildTrainingData(const TrainingConfig &config, const Tokenizer &tokenizer, const ChatTemplate &chat);
// The id padded positions hold: the tokenizer's padding token, else its EOS, else 0.
std::int32_t paddingId(const Tokenizer &tokenizer);

// Why a run with identity `now` cannot resume one with identity `then`, or nothing when it can.
std::optional<std::string> resumeMismatch(const nlohmann::json &then, const nlohmann::json &now);

} // namespace mtm::engine
