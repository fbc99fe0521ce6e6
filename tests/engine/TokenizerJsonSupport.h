// tokenizer.json documents for tests.
#pragma once

#include <nlohmann/json.hpp>

namespace mtm::test {

// A SentencePiece-style BPE tokenizer.json in Llama 2's layout: "▁" prepended and standing for spaces, byte
// fallback, "<unk>" as the unknown token.
inline nlohmann::json sentencePieceTokenizerJson(const nlohmann::json &vocab, const nlohmann::json &merges,
                                                 const nlohmann::json &addedTokens)
{
    return {
        {"version", "1.0"},
        {"added_tokens", addedTokens},
        {"normalizer",
         {{"type", "Sequence"},
          {"normalizers",
           {{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
            {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xE2\x96\x81"}}}}}},
        {"pre_tokenizer", nullptr},
        {"model",
         {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"byte_fallback", true}, {"unk_token", "<unk>"}}},
    };
}

} // namespace mtm::test
