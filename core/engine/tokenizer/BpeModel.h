// Byte-pair encoding of one word into token ids, in the two flavours models use: merges applied by rank
// (tokenizer.json and GGUF "gpt2" vocabularies) or SentencePiece's highest-score-first merging (GGUF "llama"
// vocabularies), each with byte fallback for characters the vocabulary lacks.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mtm::engine {

class BpeModel
{
public:
    // tokens[i] is the spelling of id i. Exactly one of merges (in rank order) or scores must be given.
    BpeModel(std::vector<std::string> tokens, std::vector<std::pair<std::string, std::string>> merges,
             std::vector<float> scores, bool byteFallback, std::optional<std::int32_t> unknownId, bool ignoreMerges);

    // Appends the ids of word (spelled in the model's alphabet) to out.
    void encode(std::string_view word, std::vector<std::int32_t> &out) const;

    std::optional<std::int32_t> id(std::string_view token) const;
    const std::string &token(std::int32_t id) const { return m_tokens[static_cast<std::size_t>(id)]; }
    std::int32_t size() const { return static_cast<std::int32_t>(m_tokens.size()); }
    // For a byte-fallback token like <0x0A>, the byte; else -1.
    int fallbackByte(std::int32_t id) const;
    // What the model was built from, for writing it out again (GGUF export): the merges as "left right" in
    // rank order (empty for a score model), and the scores (empty for a merge model).
    std::vector<std::string> merges() const;
    const std::vector<float> &scores() const { return m_scores; }

private:
    void encodeByRank(std::string_view word, std::vector<std::int32_t> &out) const;
    void encodeByScore(std::string_view word, std::vector<std::int32_t> &out) const;
    void appendCharacter(std::string_view character, std::vector<std::int32_t> &out) const; // with byte fallback

    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, std::int32_t> m_ids;
    std::unordered_map<std::uint64_t, std::pair<std::int32_t, std::int32_t>> m_merges; // (left, right) -> (rank, id)
    std::vector<float> m_scores;
    bool m_byteFallback;
    std::optional<std::int32_t> m_unknownId;
    bool m_ignoreMerges;
    std::int32_t m_byteTokens[256];

    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<std::int32_t>> m_cache;
};

} // namespace mtm::engine
