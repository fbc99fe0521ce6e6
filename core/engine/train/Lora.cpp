#include "engine/train/Lora.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/Safetensors.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace mtm::engine {
namespace {

const std::string kPeftPrefix = "base_model.model.";
// The projections an adapter can target.
const std::vector<std::string> kTargets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

std::string shortName(const std::string &name)
{
    return name.substr(name.rfind('.') + 1);
}

} // namespace

double LoraSettings::scaling() const
{
    return rsLora ? alpha / std::sqrt(double(rank)) : alpha / double(rank);
}

std::vector<std::pair<std::string, std::shared_ptr<Projection>>> decoderProjections(Transformer &model)
{
    std::vector<std::pair<std::string, std::shared_ptr<Projection>>> projections;
    for (std::size_t i = 0; i < model.model->layers.size(); ++i) {
        const auto &layer = model.model->layers[i];
        const std::string prefix = "model.layers." + std::to_string(i) + ".";
        for (const auto &[name, projection] :
             {std::pair<const char *, std::shared_ptr<Projection>>{"self_attn.q_proj", layer->self_attn->q_proj},
              {"self_attn.k_proj", layer->self_attn->k_proj},
              {"self_attn.v_proj", layer->self_attn->v_proj},
              {"self_attn.o_proj", layer->self_attn->o_proj},
              {"mlp.gate_proj", layer->mlp->gate_proj},
              {"mlp.up_proj", layer->mlp->up_proj},
              {"mlp.down_proj", layer->mlp->down_proj}})
            projections.emplace_back(prefix + name, projection);
    }
    return projections;
}

std::vector<torch::Tensor> attachLora(Transformer &model, const LoraSettings &settings, std::uint64_t seed,
                                      std::shared_ptr<at::Generator> dropoutSource)
{
    for (const std::string &target : settings.targets) {
        if (std::find(kTargets.begin(), kTargets.end(), target) == kTargets.end())
            throw EngineError("LoRA cannot target \"" + target +
                              "\" (choose among q_proj, k_proj, v_proj, o_proj, "
                              "gate_proj, up_proj, down_proj)");
    }
    if (settings.rank < 1)
        throw EngineError("The LoRA rank must be at least 1");
    if (settings.dropout < 0 || settings.dropout >= 1)
        throw EngineError("The LoRA dropout must be in [0, 1)");
    for (auto &parameter : model.parameters())
        parameter.set_requires_grad(false);
    // The adapters' initial values come from their own generator, so that a seed decides them.
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::vector<torch::Tensor> trainable;
    for (const auto &[name, projection] : decoderProjections(model)) {
        if (std::find(settings.targets.begin(), settings.targets.end(), shortName(name)) == settings.targets.end())
            continue;
        projection->attachAdapter(settings.rank, settings.scaling(), settings.dropout, dropoutSource);
        torch::NoGradGuard noGrad;
        const double bound = 1.0 / std::sqrt(double(projection->inFeatures));
        projection->lora_A->weight.copy_(
            torch::empty(projection->lora_A->weight.sizes()).uniform_(-bound, bound, generator));
        trainable.push_back(projection->lora_A->weight);
        trainable.push_back(projection->lora_B->weight);
    }
    return trainable;
}

void quantizeDecoderToNf4(Transformer &model)
{
    for (const auto &[name, projection] : decoderProjections(model))
        projection->quantizeToNf4();
}

void mergeLora(Transformer &model)
{
    torch::NoGradGuard noGrad;
    for (const auto &[name, projection] : decoderProjections(model)) {
        if (!projection->hasAdapter())
            continue;
        const torch::Tensor delta =
            torch::matmul(projection->lora_B->weight, projection->lora_A->weight) * projection->adapterScaling();
        if (projection->isQuantized())
            throw EngineError("Merge the adapter into the full-precision base, not the NF4 one");
        projection->weight.add_(delta.to(projection->weight.scalar_type()));
        projection->lora_B->weight.zero_(); // the adapter now adds nothing
    }
}

void saveLoraAdapter(Transformer &model, const LoraSettings &settings, const std::string &directory,
                     const std::string &baseModel)
{
    std::filesystem::create_directories(directory);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &[name, projection] : decoderProjections(model)) {
        if (!projection->hasAdapter())
            continue;
        tensors.emplace_back(kPeftPrefix + name + ".lora_A.weight", projection->lora_A->weight.to(torch::kFloat32));
        tensors.emplace_back(kPeftPrefix + name + ".lora_B.weight", projection->lora_B->weight.to(torch::kFloat32));
    }
    if (tensors.empty())
        throw EngineError("The model has no LoRA adapter to save");
    writeSafetensors((std::filesystem::path(directory) / "adapter_model.safetensors").string(), tensors,
                     {{"format", "pt"}});
    const nlohmann::json config = {
        {"peft_type", "LORA"},
        {"task_type", "CAUSAL_LM"},
        {"base_model_name_or_path", baseModel},
        {"r", settings.rank},
        {"lora_alpha", settings.alpha},
        {"lora_dropout", settings.dropout},
        {"target_modules", settings.targets},
        {"bias", "none"},
        {"fan_in_fan_out", false},
        {"use_rslora", settings.rsLora},
        {"use_dora", false},
        {"modules_to_save", nullptr},
        {"inference_mode", true},
        {"init_lora_weights", true},
        {"rank_pattern", nlohmann::json::object()},
        {"alpha_pattern", nlohmann::json::object()},
    };
    writeFileAtomically((std::filesystem::path(directory) / "adapter_config.json").string(), config.dump(2) + "\n");
}

LoraAdapter readLoraAdapter(const std::string &directory)
{
    const std::string configPath = (std::filesystem::path(directory) / "adapter_config.json").string();
    const nlohmann::json config = readJsonFile(configPath);
    if (stringMember(config, "peft_type", "", configPath) != "LORA")
        throw EngineError(configPath + ": peft_type is not \"LORA\"");
    const auto shortNumber = [](double value) {
        std::ostringstream text;
        text << value; // 1, 4096, 0.999, 1e-06
        return text.str();
    };
    // Numbers from the file are checked before anything is allocated for them (an r of 1e9 would ask for the
    // adapter matrices of a billion ranks).
    const auto number = [&](const char *key, double fallback, double lowest, double highest) {
        const nlohmann::json &value = member(config, key);
        if (value.is_null())
            return fallback;
        if (!value.is_number() || value.get<double>() < lowest || value.get<double>() > highest)
            throw EngineError(configPath + ": \"" + key + "\" is " + jsonExcerpt(value) +
                              "; it must be a number from " + shortNumber(lowest) + " to " + shortNumber(highest));
        return value.get<double>();
    };
    LoraAdapter adapter;
    LoraSettings &settings = adapter.settings;
    if (!member(config, "r").is_null() && !member(config, "r").is_number_integer())
        throw EngineError(configPath + ": \"r\" is " + jsonExcerpt(member(config, "r")) + ", not a whole number");
    settings.rank = static_cast<std::int64_t>(number("r", double(settings.rank), 1, 4096));
    settings.alpha = number("lora_alpha", settings.alpha, 1e-6, 1e6);
    settings.dropout = number("lora_dropout", 0.0, 0.0, 0.999);
    settings.rsLora = flagMember(config, "use_rslora", false, configPath);
    const nlohmann::json &targets = member(config, "target_modules");
    if (targets.is_array()) {
        settings.targets.clear();
        for (const nlohmann::json &target : targets) {
            if (!target.is_string())
                throw EngineError(configPath + ": target_modules holds " + jsonExcerpt(target) + ", not a module name");
            settings.targets.push_back(target.get<std::string>());
        }
    }

    // base_model.model.<projection>.lora_A.weight and .lora_B.weight, nothing else.
    const SafetensorsFile weights((std::filesystem::path(directory) / "adapter_model.safetensors").string());
    const std::string suffixA = ".lora_A.weight", suffixB = ".lora_B.weight";
    const auto endsWith = [](const std::string &text, const std::string &end) {
        return text.size() > end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
    };
    for (const SafetensorsEntry &entry : weights.entries()) {
        const bool isA = endsWith(entry.name, suffixA), isB = endsWith(entry.name, suffixB);
        const bool inLayers = entry.name.rfind(kPeftPrefix + "model.layers.", 0) == 0;
        const std::string projection = isA || isB ? entry.name.substr(0, entry.name.size() - suffixA.size()) : "";
        if (!inLayers || projection.empty() ||
            std::find(kTargets.begin(), kTargets.end(), shortName(projection)) == kTargets.end())
            throw EngineError(weights.path() + " holds '" + entry.name +
                              "', which is not the LoRA A or B matrix of a decoder projection (adapters that train "
                              "embeddings, norms or whole modules are not supported)");
        if (entry.shape.size() != 2)
            throw EngineError(weights.path() + ": '" + entry.name + "' is not a matrix");
        auto &pair = adapter.matrices[projection.substr(kPeftPrefix.size()) + ".weight"];
        (isA ? pair.first : pair.second) = weights.load(entry.name).to(torch::kFloat32);
    }
    if (adapter.matrices.empty())
        throw EngineError(weights.path() + " holds no LoRA matrices");
    for (const auto &[name, pair] : adapter.matrices) {
        const std::string peftName = kPeftPrefix + name.substr(0, name.size() - 7); // without ".weight"
        if (!pair.first.defined() || !pair.second.defined())
            throw EngineError(weights.path() + " has no '" + peftName + (pair.first.defined() ? suffixB : suffixA) +
                              "' for its other half");
        if (pair.first.size(0) != settings.rank || pair.second.size(1) != settings.rank)
            throw EngineError(weights.path() + ": '" + peftName + "' has the rank " +
                              std::to_string(pair.first.size(0)) + "×" + std::to_string(pair.second.size(1)) +
                              " but adapter_config.json says r = " + std::to_string(settings.rank));
    }
    return adapter;
}

LoraSettings loadLoraAdapter(Transformer &model, const std::string &directory)
{
    const LoraAdapter adapter = readLoraAdapter(directory);
    attachLora(model, adapter.settings, 0, nullptr);
    const std::string weightsPath = (std::filesystem::path(directory) / "adapter_model.safetensors").string();
    torch::NoGradGuard noGrad;
    std::size_t used = 0;
    for (const auto &[name, projection] : decoderProjections(model)) {
        if (!projection->hasAdapter())
            continue;
        const auto found = adapter.matrices.find(name + ".weight");
        if (found == adapter.matrices.end())
            throw EngineError(weightsPath + " has no tensor '" + kPeftPrefix + name + ".lora_A.weight'");
        for (const auto &[value, matrix, suffix] :
             {std::tuple<torch::Tensor, std::shared_ptr<WeightMatrix>, const char *>{
                  found->second.first, projection->lora_A, ".lora_A.weight"},
              {found->second.second, projection->lora_B, ".lora_B.weight"}}) {
            if (value.sizes() != matrix->weight.sizes())
                throw EngineError(weightsPath + ": '" + kPeftPrefix + name + suffix + "' has the shape " +
                                  c10::str(value.sizes()) + " but the model needs " + c10::str(matrix->weight.sizes()));
            matrix->weight.copy_(value);
        }
        ++used;
    }
    if (used != adapter.matrices.size())
        throw EngineError(weightsPath + " holds LoRA matrices for projections that adapter_config.json does not "
                                        "target or the model does not have");
    return adapter.settings;
}

} // namespace mtm::engine
