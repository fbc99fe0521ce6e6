// BERT's tokenizer, as the BERT family of embedding models (MiniLM, bge, e5, mpnet's cousins) uses it: the text
// normalised as BERT's basic tokenizer does (control characters dropped, white space made plain spaces, CJK
// characters set apart, lowercased and stripped of accents when the model is uncased), split at white space and
// at punctuation, then each word split greedily into the longest pieces of the vocabulary ("token", "##izer");
// a word that cannot be split, or is longer than 100 characters, becomes [UNK].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mtm::engine {

class GgufFile;

class WordPieceTokenizer
{
public:
    struct Settings
    {
        bool lowercase = true;    // do_lower_case
        bool stripAccents = true; // strip_accents (by default: as lowercase)
        bool chineseCharacters = true;
        std::string continuingPrefix = "##";
        std::size_t maxWordCharacters = 100;
        std::string unknown = "[UNK]", classifier = "[CLS]", separator = "[SEP]", padding = "[PAD]";
    };

    // vocabulary[id] is the token's spelling; it must hold the four special tokens of the settings.
    WordPieceTokenizer(std::vector<std::string> vocabulary, Settings settings);

    // A model folder's tokenizer: vocab.txt with tokenizer_config.json (do_lower_case, strip_accents,
    // tokenize_chinese_chars), or tokenizer.json with a WordPiece model. Throws EngineError naming the file.
    static WordPieceTokenizer fromFolder(const std::string &folder);
    // A GGUF file's "bert" vocabulary, where word-initial pieces begin with "▁" and the others stand bare.
    static WordPieceTokenizer fromGguf(const GgufFile &file);

    // The ids of the text's pieces, between [CLS] and [SEP] when withSpecialTokens; text that spells a special
    // token is plain text.
    std::vector<std::int32_t> encode(std::string_view text, bool withSpecialTokens = false) const;
    // The words the basic tokenizer makes of the text, normalised, before WordPiece splits them.
    std::vector<std::string> words(std::string_view text) const { return bertWords(text, m_settings); }
    // The same with the settings' normalisation, without a vocabulary.
    static std::vector<std::string> bertWords(std::string_view text, const Settings &settings);

    std::int32_t vocabularySize() const { return std::int32_t(m_vocabulary.size()); }
    const std::string &piece(std::int32_t id) const { return m_vocabulary.at(std::size_t(id)); }
    std::int32_t classifierId() const { return m_classifier; }
    std::int32_t separatorId() const { return m_separator; }
    std::int32_t paddingId() const { return m_padding; }
    std::int32_t unknownId() const { return m_unknown; }
    const Settings &settings() const { return m_settings; }

private:
    void splitWord(const std::string &word, std::vector<std::int32_t> &out) const;
    std::int32_t require(const std::string &token) const;

    std::vector<std::string> m_vocabulary;
    std::unordered_map<std::string, std::int32_t> m_ids;
    Settings m_settings;
    std::int32_t m_unknown, m_classifier, m_separator, m_padding;
};

} // namespace mtm::engine
