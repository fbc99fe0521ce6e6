// Splits text into the pieces byte-level BPE merges within, exactly as the pre-tokenizer regular expressions of
// GPT-2, Llama 3 and Qwen2 do (hand-written matchers over Unicode tables, no regex engine needed):
//   GPT-2:  's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   Llama 3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//   ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+ Qwen2:  the Llama 3 expression with \p{N} instead of \p{N}{1,3}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtm::engine {

enum class PreTokenizerKind { Gpt2, Llama3, Qwen2 };

// The kind whose regular expression is `pattern` (as tokenizer.json spells it), if any.
std::optional<PreTokenizerKind> preTokenizerForPattern(const std::string &pattern);
// The kind for a GGUF tokenizer.ggml.pre value ("gpt-2", "llama-bpe", "qwen2", ...), if any.
std::optional<PreTokenizerKind> preTokenizerForGgufName(const std::string &name);
const std::string &preTokenizerPattern(PreTokenizerKind kind);

// The pieces of text, in order; they concatenate back to text.
std::vector<std::string_view> preTokenize(PreTokenizerKind kind, std::string_view text);

} // namespace mtm::engine
