#include "engine/model/Checkpoint.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/GgufFile.h"
#include "engine/io/Safetensors.h"
#include "engine/model/GgufModel.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void writeJson(const fs::path &path, const json &value)
{
    writeFileAtomically(path.string(), value.dump(2) + "\n");
}

} // namespace

std::string dtypeName(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kFloat32:
        return "float32";
    case torch::kBFloat16:
        return "bfloat16";
    case torch::kFloat16:
        return "float16";
    case torch::kFloat64:
        return "float64";
    default:
        throw EngineError(std::string("Models cannot be kept in ") + c10::toString(dtype));
    }
}

torch::Dtype dtypeFromName(const std::string &name)
{
    if (name == "float32" || name == "fp32")
        return torch::kFloat32;
    if (name == "bfloat16" || name == "bf16")
        return torch::kBFloat16;
    if (name == "float16" || name == "fp16")
        return torch::kFloat16;
    if (name == "float64")
        return torch::kFloat64;
    throw EngineError("Unknown dtype \"" + name + "\" (use float32, bfloat16 or float16)");
}

std::map<std::string, std::string> checkpointWeightMap(const std::string &directory)
{
    const fs::path folder(directory);
    std::map<std::string, std::string> map;
    const fs::path index = folder / "model.safetensors.index.json";
    if (fs::exists(index)) {
        const json value = readJsonFile(index.string());
        if (!value.contains("weight_map") || !value["weight_map"].is_object())
            throw EngineError(index.string() + " has no weight_map");
        for (auto item = value["weight_map"].begin(); item != value["weight_map"].end(); ++item) {
            if (!item.value().is_string())
                throw EngineError(index.string() + ": the file of tensor '" + item.key() + "' is " +
                                  jsonExcerpt(item.value()) + ", not a file name");
            const std::string file = item.value().get<std::string>();
            if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
                throw EngineError(index.string() + ": the shard name \"" + file + "\" must be a file in the folder");
            map[item.key()] = (folder / file).string();
        }
        return map;
    }
    const fs::path single = folder / "model.safetensors";
    if (fs::exists(single)) {
        const SafetensorsFile file(single.string());
        for (const SafetensorsEntry &entry : file.entries())
            map[entry.name] = single.string();
        return map;
    }
    if (fs::exists(folder / "pytorch_model.bin") || fs::exists(folder / "pytorch_model.bin.index.json"))
        throw EngineError(directory + " holds PyTorch pickle weights (pytorch_model.bin), which are not read for "
                                      "safety; save the model as safetensors (save_pretrained(..., "
                                      "safe_serialization=True)) and try again");
    throw EngineError(directory + " has no model.safetensors or model.safetensors.index.json");
}

namespace {

// config.json against the checkpoint's own shapes, before any memory is taken for the model: the embedding is
// [vocab_size, hidden_size] and the last layer's down projection [hidden_size, intermediate_size].
void checkShapesBeforeBuilding(const ModelConfig &config, const std::map<std::string, std::string> &weights,
                               const std::string &directory)
{
    const std::string lastLayer = "model.layers." + std::to_string(config.layers - 1) + ".mlp.down_proj.weight";
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected = {
        {"model.embed_tokens.weight", {config.vocabSize, config.hiddenSize}},
        {lastLayer, {config.hiddenSize, config.intermediateSize}}};
    for (const auto &[name, shape] : expected) {
        const auto found = weights.find(name);
        std::optional<SafetensorsFile> file;
        if (found != weights.end())
            file.emplace(found->second);
        const SafetensorsEntry *entry = file ? file->find(name) : nullptr;
        if (!entry)
            throw EngineError(directory + " has no tensor '" + name + "': the weights do not match config.json (" +
                              std::to_string(config.layers) + " layers, hidden size " +
                              std::to_string(config.hiddenSize) + ")");
        if (entry->shape != shape)
            throw EngineError(found->second + ": tensor '" + name + "' has the shape " +
                              c10::str(c10::IntArrayRef(entry->shape)) + " but config.json implies " +
                              c10::str(c10::IntArrayRef(shape)));
    }
}

} // namespace

std::shared_ptr<Transformer> loadTransformer(const std::string &directory, torch::Dtype dtype, torch::Device device)
{
    if (fs::path(directory).extension() == ".gguf" && fs::is_regular_file(directory))
        return loadTransformerFromGguf(GgufFile(directory), dtype, device);
    const ModelConfig config = ModelConfig::fromFile((fs::path(directory) / "config.json").string());
    const std::map<std::string, std::string> weights = checkpointWeightMap(directory);
    checkShapesBeforeBuilding(config, weights, directory);
    auto model = std::make_shared<Transformer>(config);
    model->to(dtype);

    torch::NoGradGuard noGrad;
    std::map<std::string, std::unique_ptr<SafetensorsFile>> open;
    for (auto &parameter : model->named_parameters()) {
        const auto found = weights.find(parameter.key());
        if (found == weights.end())
            throw EngineError(directory + " has no tensor '" + parameter.key() +
                              "': the weights do not match config.json");
        auto &file = open[found->second];
        if (!file)
            file = std::make_unique<SafetensorsFile>(found->second);
        const torch::Tensor stored = file->load(parameter.key());
        if (stored.sizes() != parameter.value().sizes())
            throw EngineError(found->second + ": tensor '" + parameter.key() + "' has the shape " +
                              c10::str(stored.sizes()) + " but config.json implies " +
                              c10::str(parameter.value().sizes()));
        parameter.value().copy_(stored.to(dtype));
    }
    model->to(device);
    return model;
}

void saveTransformer(Transformer &model, const std::string &directory, torch::Dtype storedDtype,
                     const GenerationConfig &generation, std::uint64_t maxShardBytes)
{
    const fs::path folder(directory);
    fs::create_directories(folder);
    ModelConfig config = model.config();
    config.torchDtype = dtypeName(storedDtype);

    // Group the tensors into shards in parameter order.
    std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
    std::uint64_t shardBytes = 0, totalBytes = 0;
    for (const auto &parameter : model.named_parameters()) {
        const torch::Tensor value = parameter.value().detach().to(torch::kCPU, storedDtype);
        const std::uint64_t bytes = static_cast<std::uint64_t>(value.numel()) * value.element_size();
        if (shardBytes > 0 && shardBytes + bytes > maxShardBytes) {
            shards.emplace_back();
            shardBytes = 0;
        }
        shards.back().emplace_back(parameter.key(), value);
        shardBytes += bytes;
        totalBytes += bytes;
    }

    // The new weights are written whole before the old ones go: a full disk or a crash keeps the old model.
    std::set<std::string> written;
    const std::map<std::string, std::string> metadata = {{"format", "pt"}};
    if (shards.size() == 1) {
        writeSafetensors((folder / "model.safetensors").string(), shards.front(), metadata);
        written.insert("model.safetensors");
    } else {
        json weightMap = json::object();
        for (std::size_t i = 0; i < shards.size(); ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
            writeSafetensors((folder / name).string(), shards[i], metadata);
            written.insert(name);
            for (const auto &tensor : shards[i])
                weightMap[tensor.first] = name;
        }
        writeJson(folder / "model.safetensors.index.json",
                  {{"metadata", {{"total_size", totalBytes}}}, {"weight_map", weightMap}});
        written.insert("model.safetensors.index.json");
    }
    writeJson(folder / "config.json", config.toJson());
    writeJson(folder / "generation_config.json", generation.toJson());
    for (const auto &entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        const bool weights = name == "model.safetensors" || name == "model.safetensors.index.json" ||
                             (name.rfind("model-", 0) == 0 && entry.path().extension() == ".safetensors");
        if (weights && !written.count(name))
            fs::remove(entry.path());
    }
}

} // namespace mtm::engine
