// Builds a Tokenizer from a model's files: a Hugging Face folder (tokenizer.json with tokenizer_config.json),
// a tokenizer.json alone, or the tokenizer.ggml.* metadata of a GGUF file.
#pragma once

#include "engine/tokenizer/Tokenizer.h"

#include <memory>
#include <string>

namespace mtm::engine {

class GgufFile;

// path: a model folder, a tokenizer.json, or a .gguf file. Throws EngineError saying what is wrong and where.
std::unique_ptr<Tokenizer> loadTokenizer(const std::string &path);

// tokenizer.json, with tokenizer_config.json (bos/eos, add_bos_token, chat_template) when configPath is set.
std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string &tokenizerPath, const std::string &configPath = {});
std::unique_ptr<Tokenizer> loadTokenizerFromGguf(const GgufFile &file);

} // namespace mtm::engine
