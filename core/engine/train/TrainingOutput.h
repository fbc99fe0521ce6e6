// What a finished job leaves for the rest of the ecosystem, in <job>/<method folder>/:
//   LoRA methods (qlora_model/, lora_model/): adapter_model.safetensors and adapter_config.json as PEFT writes
//     them, the base model's tokenizer files, training_config.json and trainer_state.json.
//   Full fine-tuning (standard_model/): config.json, generation_config.json, model.safetensors (sharded above
//     max_shard_size, with its index), the tokenizer files, training_config.json and trainer_state.json.
// The folder is written beside its final name and renamed into place, replacing an earlier one.
#pragma once

#include "engine/train/CheckpointStore.h"
#include "engine/train/TrainingConfig.h"
#include "engine/train/TrainingSetup.h"

#include <string>

namespace mtm::engine {

// Returns the output folder's path.
std::string writeTrainingOutput(const TrainingConfig &config, TrainingSetup &setup, const TrainerState &state);

// The tokenizer files a model folder has (tokenizer.json, tokenizer_config.json, special_tokens_map.json, ...).
std::vector<std::string> tokenizerFiles(const std::string &modelDirectory);

} // namespace mtm::engine
