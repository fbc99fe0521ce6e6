#include "engine/embed/WordPiece.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"
#include "engine/io/UntrustedJson.h"
#include "engine/tokenizer/Unicode.h"

#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

// BERT's own notions, which differ a little from Unicode's: tab, newline and carriage return are white space
// and not controls; the ASCII symbols $ + < = > ^ ` | ~ are punctuation.
bool isBertWhiteSpace(char32_t c)
{
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || unicode::isSpaceSeparator(c);
}

bool isBertControl(char32_t c)
{
    return c != U'\t' && c != U'\n' && c != U'\r' && unicode::isOther(c);
}

bool isBertPunctuation(char32_t c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) ||
           unicode::isPunctuation(c);
}

// The CJK Unified Ideographs blocks, which BERT sets apart as words of their own (not Japanese kana or Hangul).
bool isCjkIdeograph(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::string utf8(const std::u32string &text, std::size_t first = 0, std::size_t last = std::u32string::npos)
{
    std::string out;
    for (std::size_t i = first; i < std::min(last, text.size()); ++i)
        unicode::appendUtf8(out, text[i]);
    return out;
}

// A special token as tokenizer_config.json gives it: a string, or an object with its "content".
std::string tokenText(const nlohmann::json &config, const char *key, const std::string &fallback)
{
    const auto found = config.find(key);
    if (found == config.end() || found->is_null())
        return fallback;
    if (found->is_string())
        return found->get<std::string>();
    if (found->is_object() && found->contains("content") && (*found)["content"].is_string())
        return (*found)["content"].get<std::string>();
    return fallback;
}

bool flag(const nlohmann::json &config, const char *key, bool fallback)
{
    const auto found = config.find(key);
    return found != config.end() && found->is_boolean() ? found->get<bool>() : fallback;
}

} // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocabulary, Settings settings)
    : m_vocabulary(std::move(vocabulary))
    , m_settings(std::move(settings))
{
    m_ids.reserve(m_vocabulary.size());
    for (std::size_t id = 0; id < m_vocabulary.size(); ++id)
        m_ids.emplace(m_vocabulary[id], std::int32_t(id)); // the first of a spelling given twice
    m_unknown = require(m_settings.unknown);
    m_classifier = require(m_settings.classifier);
    m_separator = require(m_settings.separator);
    m_padding = require(m_settings.padding);
}

std::int32_t WordPieceTokenizer::require(const std::string &token) const
{
    const auto found = m_ids.find(token);
    if (found == m_ids.end())
        throw EngineError("The WordPiece vocabulary has no " + token + " token");
    return found->second;
}

WordPieceTokenizer WordPieceTokenizer::fromFolder(const std::string &folder)
{
    const fs::path root(folder);
    Settings settings;
    nlohmann::json config = nlohmann::json::object();
    if (fs::exists(root / "tokenizer_config.json")) {
        config = readJsonFile((root / "tokenizer_config.json").string());
        if (!config.is_object())
            throw EngineError((root / "tokenizer_config.json").string() + " is not a JSON object");
    }
    settings.unknown = tokenText(config, "unk_token", settings.unknown);
    settings.classifier = tokenText(config, "cls_token", settings.classifier);
    settings.separator = tokenText(config, "sep_token", settings.separator);
    settings.padding = tokenText(config, "pad_token", settings.padding);
    std::vector<std::string> vocabulary;

    if (fs::exists(root / "vocab.txt")) {
        settings.lowercase = flag(config, "do_lower_case", true);
        settings.stripAccents = flag(config, "strip_accents", settings.lowercase);
        settings.chineseCharacters = flag(config, "tokenize_chinese_chars", true);
        std::ifstream in(root / "vocab.txt", std::ios::binary);
        if (!in)
            throw EngineError("Cannot open " + (root / "vocab.txt").string());
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            vocabulary.push_back(line);
        }
        return WordPieceTokenizer(std::move(vocabulary), settings);
    }

    const std::string path = (root / "tokenizer.json").string();
    if (!fs::exists(path))
        throw EngineError(folder + " has neither vocab.txt nor tokenizer.json: it holds no WordPiece tokenizer");
    const nlohmann::json tokenizer = readJsonFile(path);
    const nlohmann::json model = tokenizer.is_object() ? tokenizer.value("model", nlohmann::json()) : nlohmann::json();
    if (!model.is_object() || model.value("type", std::string()) != "WordPiece" || !model.contains("vocab") ||
        !model["vocab"].is_object())
        throw EngineError(path + " does not hold a WordPiece model (BERT's tokenizer)");
    // Every id from 0 to the vocabulary's size less one, each given to one token.
    vocabulary.resize(model["vocab"].size());
    std::vector<bool> given(vocabulary.size(), false);
    for (const auto &[token, id] : model["vocab"].items()) {
        if (!id.is_number_unsigned() || id.get<std::uint64_t>() >= model["vocab"].size())
            throw EngineError(path + ": the id of \"" + token + "\" is not one of 0 to " +
                              std::to_string(model["vocab"].size() - 1));
        const std::size_t at = id.get<std::size_t>();
        if (given[at])
            throw EngineError(path + ": \"" + vocabulary[at] + "\" and \"" + token + "\" both have the id " +
                              std::to_string(at));
        given[at] = true;
        vocabulary[at] = token;
    }
    if (model.contains("unk_token") && model["unk_token"].is_string())
        settings.unknown = model["unk_token"].get<std::string>();
    if (model.contains("continuing_subword_prefix") && model["continuing_subword_prefix"].is_string())
        settings.continuingPrefix = model["continuing_subword_prefix"].get<std::string>();
    if (model.contains("max_input_chars_per_word") && model["max_input_chars_per_word"].is_number_unsigned())
        settings.maxWordCharacters = model["max_input_chars_per_word"].get<std::size_t>();
    const nlohmann::json normalizer = tokenizer.value("normalizer", nlohmann::json());
    if (normalizer.is_object() && normalizer.value("type", std::string()) == "BertNormalizer") {
        settings.lowercase = flag(normalizer, "lowercase", true);
        settings.stripAccents = flag(normalizer, "strip_accents", settings.lowercase);
        settings.chineseCharacters = flag(normalizer, "handle_chinese_chars", true);
    }
    return WordPieceTokenizer(std::move(vocabulary), settings);
}

WordPieceTokenizer WordPieceTokenizer::fromGguf(const GgufFile &file)
{
    if (file.string("tokenizer.ggml.model") != "bert")
        throw EngineError(file.path() + " holds a \"" + file.string("tokenizer.ggml.model") +
                          "\" tokenizer, not BERT's WordPiece");
    const std::vector<std::string> pieces = file.stringArray("tokenizer.ggml.tokens");
    const std::vector<std::int64_t> types = file.integerArray("tokenizer.ggml.token_type");
    const std::string wordStart = "\xE2\x96\x81"; // ▁
    std::vector<std::string> vocabulary;
    vocabulary.reserve(pieces.size());
    for (std::size_t id = 0; id < pieces.size(); ++id) {
        const std::string &piece = pieces[id];
        const bool normal = id >= types.size() || types[id] == 1;
        if (!normal)
            vocabulary.push_back(piece);
        else if (piece.rfind(wordStart, 0) == 0)
            vocabulary.push_back(piece.substr(wordStart.size()));
        else
            vocabulary.push_back("##" + piece);
    }
    Settings settings;
    const auto special = [&](const char *key, const std::string &fallback) {
        if (!file.find(key))
            return fallback;
        const std::int64_t id = file.integer(key);
        return id >= 0 && std::size_t(id) < vocabulary.size() ? vocabulary[std::size_t(id)] : fallback;
    };
    settings.unknown = special("tokenizer.ggml.unknown_token_id", settings.unknown);
    settings.classifier = special("tokenizer.ggml.cls_token_id", settings.classifier);
    settings.separator = special("tokenizer.ggml.seperator_token_id", settings.separator);
    settings.padding = special("tokenizer.ggml.padding_token_id", settings.padding);
    return WordPieceTokenizer(std::move(vocabulary), settings);
}

std::vector<std::string> WordPieceTokenizer::bertWords(std::string_view text, const Settings &settings)
{
    // Cleaned, with CJK ideographs set apart by spaces.
    std::u32string cleaned;
    for (std::size_t position = 0; position < text.size();) {
        const char32_t c = unicode::decodeUtf8(text, position);
        if (c == 0 || c == 0xFFFD || isBertControl(c))
            continue;
        if (isBertWhiteSpace(c)) {
            cleaned.push_back(U' ');
        } else if (settings.chineseCharacters && isCjkIdeograph(c)) {
            cleaned += U' ';
            cleaned.push_back(c);
            cleaned += U' ';
        } else {
            cleaned.push_back(c);
        }
    }
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < cleaned.size()) {
        const std::size_t space = cleaned.find(U' ', start);
        const std::size_t end = space == std::u32string::npos ? cleaned.size() : space;
        std::u32string token;
        for (std::size_t i = start; i < end; ++i) {
            const char32_t c = settings.lowercase ? unicode::toLower(cleaned[i]) : cleaned[i];
            if (!settings.stripAccents) {
                token.push_back(c);
                continue;
            }
            for (const char32_t part : unicode::decomposeCanonically(c))
                if (!unicode::isNonspacingMark(part))
                    token.push_back(part);
        }
        // Each punctuation character a word of its own.
        std::u32string word;
        for (const char32_t c : token) {
            if (isBertPunctuation(c)) {
                if (!word.empty())
                    words.push_back(utf8(word));
                words.push_back(utf8(std::u32string(1, c)));
                word.clear();
            } else {
                word.push_back(c);
            }
        }
        if (!word.empty())
            words.push_back(utf8(word));
        start = end + 1;
    }
    return words;
}

void WordPieceTokenizer::splitWord(const std::string &word, std::vector<std::int32_t> &out) const
{
    std::u32string characters;
    for (std::size_t position = 0; position < word.size();)
        characters.push_back(unicode::decodeUtf8(word, position));
    if (characters.size() > m_settings.maxWordCharacters) {
        out.push_back(m_unknown);
        return;
    }
    std::vector<std::int32_t> pieces;
    for (std::size_t start = 0; start < characters.size();) {
        std::size_t end = characters.size();
        std::int32_t found = -1;
        for (; end > start; --end) {
            const std::string candidate =
                (start > 0 ? m_settings.continuingPrefix : std::string()) + utf8(characters, start, end);
            const auto id = m_ids.find(candidate);
            if (id != m_ids.end()) {
                found = id->second;
                break;
            }
        }
        if (found < 0) { // no piece fits: the whole word is unknown
            out.push_back(m_unknown);
            return;
        }
        pieces.push_back(found);
        start = end;
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
}

std::vector<std::int32_t> WordPieceTokenizer::encode(std::string_view text, bool withSpecialTokens) const
{
    std::vector<std::int32_t> ids;
    if (withSpecialTokens)
        ids.push_back(m_classifier);
    for (const std::string &word : words(text))
        splitWord(word, ids);
    if (withSpecialTokens)
        ids.push_back(m_separator);
    return ids;
}

} // namespace mtm::engine
