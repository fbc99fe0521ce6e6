// LoRA on a Transformer: adapters on the chosen projections (q, k, v, o, gate, up, down by default), the base
// frozen (and, for QLoRA, kept in NF4), merging W + s·B·A, and the PEFT files: adapter_model.safetensors with
// PEFT's tensor names and adapter_config.json with PEFT's keys.
#pragma once

#include "engine/model/Transformer.h"
#include "engine/train/LoraSettings.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mtm::engine {

// The decoder's projections by name ("model.layers.0.self_attn.q_proj"), in layer order.
std::vector<std::pair<std::string, std::shared_ptr<Projection>>> decoderProjections(Transformer &model);

// Freezes the whole model, attaches adapters to the target projections (initialised from seed), and returns
// their parameters (float32). Throws EngineError for an unknown target name.
std::vector<torch::Tensor> attachLora(Transformer &model, const LoraSettings &settings, std::uint64_t seed,
                                      std::shared_ptr<at::Generator> dropoutSource);
// Keeps every decoder projection in NF4 (QLoRA's frozen base).
void quantizeDecoderToNf4(Transformer &model);
// Folds the adapters into dense weights (W + s·B·A) and removes them from the forward pass.
void mergeLora(Transformer &model);

// adapter_model.safetensors (float32) and adapter_config.json, as PEFT writes them.
void saveLoraAdapter(Transformer &model, const LoraSettings &settings, const std::string &directory,
                     const std::string &baseModel);
// A PEFT adapter folder read without a model: its settings and, for each adapted projection by the name of the
// weight it adapts ("model.layers.0.self_attn.q_proj.weight"), its A (rank × in) and B (out × rank) in float32.
struct LoraAdapter
{
    LoraSettings settings;
    std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> matrices;
};
// Throws EngineError naming the file and what is wrong: a bad setting, a tensor that is not a LoRA matrix of a
// decoder projection, an A without its B, a rank that is not the config's.
LoraAdapter readLoraAdapter(const std::string &directory);

// Reads a PEFT adapter folder and attaches it to the model (which must have no adapters yet).
LoraSettings loadLoraAdapter(Transformer &model, const std::string &directory);

} // namespace mtm::engine
