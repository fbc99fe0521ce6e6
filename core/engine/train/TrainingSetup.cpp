#include "engine/train/TrainingSetup.h"

#include "engine/DeviceChoice.h"
#include "engine/EngineError.h"
#include "engine/io/FileFingerprint.h"
#include "engine/io/UntrustedJson.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/Lora.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#ifdef MTM_HAS_CUDA
#include <ATen/detail/CUDAHooksInterface.h>
#endif

#include <filesystem>
#include <set>

namespace mtm::engine {

torch::Device trainingDevice(const TrainingConfig &config)
{
    return resolveDevice(config.device);
}

torch::Dtype trainingDtype(const TrainingConfig &config, const torch::Device &device)
{
    const std::string &wanted = config.dtype;
    if (wanted != "auto")
        return dtypeFromName(wanted);
    return fastDtype(device);
}

namespace {

std::shared_ptr<at::Generator> dropoutGenerator(const torch::Device &device, std::uint64_t seed)
{
#ifdef MTM_HAS_CUDA
    if (device.is_cuda()) {
        auto generator =
            std::make_shared<at::Generator>(at::detail::getCUDAHooks().getDefaultCUDAGenerator(device.index()));
        generator->set_current_seed(seed);
        return generator;
    }
#endif
    if (device.is_cuda())
        throw EngineError("This build of the engine has no CUDA support");
    return std::make_shared<at::Generator>(at::make_generator<at::CPUGeneratorImpl>(seed));
}

bool decays(const std::string &name)
{
    // As transformers' Trainer: no weight decay for biases and normalisation weights.
    const bool bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    return !bias && name.find("norm") == std::string::npos;
}

nlohmann::json baseModelIdentity(const std::string &directory)
{
    std::uint64_t weightBytes = 0;
    std::set<std::string> files;
    for (const auto &[tensor, file] : checkpointWeightMap(directory))
        files.insert(file); // the path of the file, within directory
    for (const std::string &file : files)
        weightBytes += std::filesystem::file_size(file);
    return {{"config", fileFingerprint((std::filesystem::path(directory) / "config.json").string())},
            {"weight_bytes", weightBytes}};
}

} // namespace

SftData buildTrainingData(const TrainingConfig &config, const Tokenizer &tokenizer, const ChatTemplate &chat)
{
    SftDataOptions options;
    options.maxSequenceLength = config.maxSequenceLength;
    options.trainOnPrompts = config.trainOnPrompts;
    options.evalFraction = config.evalFraction;
    options.evalCount = config.evalCount;
    options.seed = config.seed;
    return buildSftData(config.records, tokenizer, chat, options);
}

std::int32_t paddingId(const Tokenizer &tokenizer)
{
    return tokenizer.settings().pad.value_or(tokenizer.settings().eos.value_or(0));
}

TrainingSetup prepareTraining(const TrainingConfig &config, const std::function<void(const std::string &)> &onMessage)
{
    const auto say = [&](const std::string &text) {
        if (onMessage)
            onMessage(text);
    };
    TrainingSetup setup;
    setup.device = trainingDevice(config);
    setup.dtype = trainingDtype(config, setup.device);

    say("Reading the tokenizer of " + config.baseModel);
    setup.tokenizer = loadTokenizer(config.baseModel);
    setup.chat = ChatTemplate::forTokenizer(*setup.tokenizer, config.chatFormat);
    setup.padId = paddingId(*setup.tokenizer);

    say("Tokenizing " + config.records);
    setup.data = buildTrainingData(config, *setup.tokenizer, *setup.chat);

    say("Loading the base model (" + dtypeName(setup.dtype) + " on " + (setup.device.is_cuda() ? "CUDA" : "the CPU") +
        ")");
    setup.model = loadTransformer(config.baseModel, setup.dtype, setup.device);
    if (setup.tokenizer->vocabularySize() > setup.model->config().vocabSize)
        throw EngineError("The tokenizer of " + config.baseModel + " has " +
                          std::to_string(setup.tokenizer->vocabularySize()) + " tokens but the model only " +
                          std::to_string(setup.model->config().vocabSize));

    setup.dropoutSource = dropoutGenerator(setup.device, config.seed + 1);
    if (config.usesLora()) {
        if (config.quantizesBase()) {
            say("Quantizing the base weights to NF4");
            quantizeDecoderToNf4(*setup.model);
        }
        attachLora(*setup.model, config.lora, config.seed, setup.dropoutSource);
        for (const auto &[name, projection] : decoderProjections(*setup.model)) {
            if (!projection->hasAdapter())
                continue;
            setup.trainable.push_back({name + ".lora_A.weight", projection->lora_A->weight, true});
            setup.trainable.push_back({name + ".lora_B.weight", projection->lora_B->weight, true});
        }
    } else {
        for (const auto &parameter : setup.model->named_parameters()) {
            parameter.value().set_requires_grad(true);
            setup.trainable.push_back({parameter.key(), parameter.value(), decays(parameter.key())});
        }
    }
    setup.model->train();

    setup.identity = {{"settings", config.fingerprint()},
                      {"dataset", fileFingerprint(config.records)},
                      {"base_model", baseModelIdentity(config.baseModel)}};
    return setup;
}

std::optional<std::string> resumeMismatch(const nlohmann::json &then, const nlohmann::json &now)
{
    // `then` comes from a checkpoint on disk: read with checked accessors, quoted short.
    if (member(then, "dataset") != member(now, "dataset"))
        return std::string("the dataset's records changed since the checkpoint was written");
    if (member(then, "base_model") != member(now, "base_model"))
        return std::string("the base model changed since the checkpoint was written");
    static const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json &before = member(then, "settings").is_object() ? member(then, "settings") : none;
    const nlohmann::json &after = member(now, "settings").is_object() ? member(now, "settings") : none;
    std::string differences;
    for (const auto &[key, value] : after.items()) {
        const nlohmann::json &old = member(before, key);
        if (old != value)
            differences +=
                (differences.empty() ? "" : ", ") + key + " was " + jsonExcerpt(old) + ", now " + jsonExcerpt(value);
    }
    for (const auto &[key, value] : before.items()) {
        if (member(after, key).is_null())
            differences += (differences.empty() ? "" : ", ") + key + " was " + jsonExcerpt(value) + ", now unset";
    }
    if (!differences.empty())
        return "the settings changed since the checkpoint was written (" + differences + ")";
    return std::nullopt;
}

} // namespace mtm::engine
