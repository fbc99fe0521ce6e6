// A model's tokenizer: text to token ids and back, exactly as the model's own tokenizer does. Byte-level BPE
// (GPT-2, Llama 3, Qwen2) and SentencePiece-style BPE with byte fallback (Llama 2, Mistral, Phi-3), with added
// and special tokens. Built by TokenizerLoader from tokenizer.json or from GGUF metadata.
#pragma once

#include "engine/tokenizer/BpeModel.h"
#include "engine/tokenizer/PreTokenizer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtm::engine {

struct AddedToken
{
    std::string content;
    std::int32_t id = 0;
    bool special = false; // control tokens (<s>, <|eot_id|>) are only recognised in text when asked
    bool leftStrip = false;
    bool rightStrip = false;
};

struct EncodeOptions
{
    bool addSpecialTokens = false; // the BOS/EOS the tokenizer's configuration asks for
    bool parseSpecial = false;     // recognise special-token text such as "<|eot_id|>" as that token
};

class Tokenizer
{
public:
    enum class Kind { ByteLevel, SentencePiece };
    // SentencePiece adds "▁" before the text: never, before the first text only, or before every piece of
    // text that follows a special token (the "legacy" behaviour of Llama 2).
    enum class SpacePrefix { None, First, AfterEverySpecial };

    struct Settings
    {
        Kind kind = Kind::ByteLevel;
        std::optional<PreTokenizerKind> preTokenizer; // byte-level only
        bool nfc = false;                             // Qwen2 normalises to NFC first
        SpacePrefix spacePrefix = SpacePrefix::None;
        std::optional<std::int32_t> bos, eos, pad, unknown;
        bool addBos = false;
        bool addEos = false;
        std::string chatTemplate; // the Jinja text, when the files carry one
    };

    Tokenizer(std::unique_ptr<BpeModel> model, std::vector<AddedToken> addedTokens, Settings settings);

    std::vector<std::int32_t> encode(std::string_view text, const EncodeOptions &options = {}) const;
    // The text of the ids; invalid UTF-8 (from partial byte tokens) becomes U+FFFD.
    std::string decode(const std::vector<std::int32_t> &ids, bool skipSpecial = false) const;
    // The bytes one token stands for when decoding (the first token of a text may lose a prefix space).
    std::string tokenBytes(std::int32_t id) const;
    // The token's spelling in the vocabulary ("Ġthe", "▁the", "<0x0A>", "<|eot_id|>").
    std::string piece(std::int32_t id) const;
    std::optional<std::int32_t> idOf(std::string_view piece) const;
    bool isSpecial(std::int32_t id) const;

    std::int32_t vocabularySize() const;
    const Settings &settings() const { return m_settings; }
    const std::vector<AddedToken> &addedTokens() const { return m_addedTokens; }
    const BpeModel &model() const { return *m_model; }
    bool stripsLeadingSpaceOnDecode() const { return m_settings.spacePrefix != SpacePrefix::None; }

private:
    void encodeText(std::string_view text, bool firstText, std::vector<std::int32_t> &out) const;
    const AddedToken *addedToken(std::int32_t id) const;

    std::unique_ptr<BpeModel> m_model;
    std::vector<AddedToken> m_addedTokens; // longest content first, for matching
    Settings m_settings;
};

// Decodes a stream of ids as they come, giving out only whole UTF-8 characters.
class StreamingDecoder
{
public:
    explicit StreamingDecoder(const Tokenizer &tokenizer, bool skipSpecial = true);
    std::string push(std::int32_t id); // the text that is complete now
    std::string finish();              // what is left; an unfinished character becomes U+FFFD

private:
    const Tokenizer &m_tokenizer;
    bool m_skipSpecial;
    bool m_first = true;
    std::string m_pending;
};

} // namespace mtm::engine
