// GGUF files as models for the engine: the names llama.cpp gives a Hugging Face model's tensors, the RoPE
// permutation between the two layouts, and a GGUF file of the llama or qwen2 architecture loaded as a
// Transformer with its weights dequantised — so that what an export costs can be measured on the user's data.
#pragma once

#include "engine/model/ModelConfig.h"
#include "engine/model/Transformer.h"

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

class GgufFile;

// The GGUF architecture a family is written as: "llama" (Mistral too) or "qwen2".
std::string ggufArchitecture(ModelFamily family);

// The tensors of one decoder layer: the HF name after "model.layers.N." and the GGUF name after "blk.N.".
const std::vector<std::pair<std::string, std::string>> &ggufLayerTensors();
// "model.layers.3.self_attn.q_proj.weight" → "blk.3.attn_q.weight"; nullopt for a name llama.cpp has no tensor for.
std::optional<std::string> ggufTensorName(const std::string &hfName);

// HF stores q/k rows in rotate-half order, llama.cpp's llama architecture in adjacent pairs: within each head,
// row 2i+s comes from row s·hd/2 + i. ggufRopeHeads says by how many heads a GGUF tensor is permuted (0: not at
// all — qwen2 keeps HF's order); toGguf false undoes the permutation.
std::int64_t ggufRopeHeads(const ModelConfig &config, const std::string &ggufName);
torch::Tensor permuteForGgufRope(const torch::Tensor &weight, std::int64_t heads, bool toGguf);

ModelConfig modelConfigFromGguf(const GgufFile &file); // throws EngineError naming the file and key
std::shared_ptr<Transformer> loadTransformerFromGguf(const GgufFile &file, torch::Dtype dtype, torch::Device device);

} // namespace mtm::engine
