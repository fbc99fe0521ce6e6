// Hugging Face model folders: config.json, the weights in model.safetensors or shards listed in
// model.safetensors.index.json, generation_config.json — loaded into a Transformer, and written back.
#pragma once

#include "engine/model/GenerationConfig.h"
#include "engine/model/ModelConfig.h"
#include "engine/model/Transformer.h"

#include <torch/types.h>

#include <map>
#include <memory>
#include <string>

namespace mtm::engine {

// Which file of a model folder holds each tensor.
std::map<std::string, std::string> checkpointWeightMap(const std::string &directory);

// Reads config.json and the weights, converted to dtype and placed on device (or a .gguf file: its weights
// dequantised, engine/model/GgufModel.h). Throws EngineError naming the file and tensor when something is
// missing or does not fit the configuration.
std::shared_ptr<Transformer> loadTransformer(const std::string &directory, torch::Dtype dtype, torch::Device device);

// Writes config.json, generation_config.json and the weights (as storedDtype), split into shards of at most
// maxShardBytes with an index when they are larger. Existing weight files of the folder are replaced.
void saveTransformer(Transformer &model, const std::string &directory, torch::Dtype storedDtype,
                     const GenerationConfig &generation = {}, std::uint64_t maxShardBytes = 5000000000ULL);

std::string dtypeName(torch::Dtype dtype);           // "float32", "bfloat16", "float16"
torch::Dtype dtypeFromName(const std::string &name); // throws for others

} // namespace mtm::engine
