// A Hugging Face model folder of the Llama, Mistral or Qwen2 family, written as one GGUF file that llama.cpp
// (inside Ollama and LM Studio) loads: the hyperparameters, the tokenizer and chat template, and every weight
// renamed, permuted where llama.cpp's RoPE needs it, and stored in the types of the chosen file type with the
// per-tensor choices llama.cpp's own quantize tool makes (../shared/reference/formats.md §6-7).
#pragma once

#include "engine/EngineProgress.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mtm::engine {

enum class GgufFileType { F32, F16, BF16, Q8_0, Q4_K_M, Q5_K_M };

// "f32", "f16", "bf16", "q8_0", "q4_k_m", "q5_k_m" (any case); nullopt for others.
std::optional<GgufFileType> ggufFileTypeFromName(const std::string &name);
std::string ggufFileTypeName(GgufFileType type); // "Q4_K_M", ...

// Writes modelFolder as a GGUF file at path (whole or not at all), with the PEFT LoRA adapter of adapterFolder
// merged into its weights when one is given. progress(tensors done, tensors) after each tensor. Throws
// EngineError naming what is not supported or wrong.
void exportGguf(const std::string &modelFolder, const std::string &path, GgufFileType type,
                const EngineProgress &progress = {}, const std::string &adapterFolder = {});

// The size in bytes of the file exportGguf writes at path (a merged adapter does not change it), read from the
// folder's configuration and tensor shapes without converting a weight.
std::uint64_t ggufFileSize(const std::string &modelFolder, const std::string &path, GgufFileType type);

// Writes a PEFT LoRA adapter as a GGUF adapter (general.type "adapter") that llama.cpp applies to the GGUF file of
// baseFolder (Ollama's ADAPTER): its matrices in float32, renamed and permuted as the base's weights are, and
// an alpha that gives PEFT's scale (rsLoRA's too). Throws EngineError when the adapter does not fit the base.
void exportGgufAdapter(const std::string &adapterFolder, const std::string &baseFolder, const std::string &path,
                       const EngineProgress &progress = {});

// The size in bytes of the file exportGgufAdapter writes at path.
std::uint64_t ggufAdapterFileSize(const std::string &adapterFolder, const std::string &baseFolder,
                                  const std::string &path);

} // namespace mtm::engine
