#include "engine/tokenizer/BpeTrainer.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/tokenizer/ByteLevel.h"
#include "engine/tokenizer/PreTokenizer.h"
#include "engine/tokenizer/Unicode.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

namespace mtm::engine {
namespace {

using Word = std::vector<std::string>; // the symbols of one pre-tokenized piece

std::vector<std::string> characters(const std::string &spelled)
{
    std::vector<std::string> symbols;
    for (std::size_t position = 0; position < spelled.size();) {
        const std::size_t start = position;
        unicode::decodeUtf8(spelled, position);
        symbols.push_back(spelled.substr(start, position - start));
    }
    return symbols;
}

} // namespace

TrainedBpe trainByteLevelBpe(const std::vector<std::string> &texts, int vocabularySize,
                             const std::vector<std::string> &specialTokens)
{
    TrainedBpe bpe;
    bpe.specialTokens = specialTokens;
    for (int b = 0; b < 256; ++b)
        bpe.tokens.push_back(bytelevel::encode(std::string(1, static_cast<char>(b))));
    const int merges = vocabularySize - 256 - static_cast<int>(specialTokens.size());
    if (merges < 0)
        throw EngineError("A byte-level vocabulary needs at least " + std::to_string(256 + specialTokens.size()) +
                          " entries");

    std::map<std::string, long> pieceCounts;
    for (const std::string &text : texts)
        for (const std::string_view piece : preTokenize(PreTokenizerKind::Llama3, text))
            ++pieceCounts[bytelevel::encode(piece)];
    std::vector<std::pair<Word, long>> words;
    for (const auto &[piece, count] : pieceCounts)
        words.emplace_back(characters(piece), count);

    for (int step = 0; step < merges; ++step) {
        std::map<std::pair<std::string, std::string>, long> pairs; // ordered: ties go to the smallest pair
        for (const auto &[word, count] : words)
            for (std::size_t i = 0; i + 1 < word.size(); ++i)
                pairs[{word[i], word[i + 1]}] += count;
        auto best = pairs.end();
        for (auto it = pairs.begin(); it != pairs.end(); ++it)
            if (best == pairs.end() || it->second > best->second)
                best = it;
        if (best == pairs.end() || best->second < 2)
            break; // nothing left worth merging
        const auto [left, right] = best->first;
        const std::string merged = left + right;
        bpe.merges.emplace_back(left, right);
        bpe.tokens.push_back(merged);
        for (auto &[word, count] : words) {
            Word next;
            for (std::size_t i = 0; i < word.size(); ++i) {
                if (i + 1 < word.size() && word[i] == left && word[i + 1] == right) {
                    next.push_back(merged);
                    ++i;
                } else {
                    next.push_back(word[i]);
                }
            }
            word.swap(next);
        }
    }
    return bpe;
}

void writeTrainedTokenizer(const TrainedBpe &bpe, const std::string &directory, const std::string &bosToken,
                           const std::string &eosToken, const std::string &chatTemplate)
{
    using nlohmann::json;
    std::filesystem::create_directories(directory);
    json vocab = json::object();
    for (std::size_t i = 0; i < bpe.tokens.size(); ++i)
        vocab[bpe.tokens[i]] = i;
    json merges = json::array();
    for (const auto &[left, right] : bpe.merges)
        merges.push_back(left + " " + right);
    const auto special = std::find(bpe.specialTokens.begin(), bpe.specialTokens.end(), bosToken);
    if (special == bpe.specialTokens.end() ||
        std::find(bpe.specialTokens.begin(), bpe.specialTokens.end(), eosToken) == bpe.specialTokens.end())
        throw EngineError("The BOS and EOS tokens must be among the special tokens");
    const std::size_t bosId = bpe.tokens.size() + static_cast<std::size_t>(special - bpe.specialTokens.begin());
    json added = json::array();
    for (std::size_t i = 0; i < bpe.specialTokens.size(); ++i)
        added.push_back({{"id", bpe.tokens.size() + i},
                         {"content", bpe.specialTokens[i]},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    // BOS before every text, as Llama 3's tokenizer.json does it (transformers and this engine read it here).
    const json bos = {{"SpecialToken", {{"id", bosToken}, {"type_id", 0}}}};
    const json textA = {{"Sequence", {{"id", "A"}, {"type_id", 0}}}};
    const json textB = {{"Sequence", {{"id", "B"}, {"type_id", 1}}}};
    json templateProcessing = {{"type", "TemplateProcessing"}};
    templateProcessing["single"] = json::array({bos, textA});
    templateProcessing["pair"] = json::array({bos, textA, bos, textB});
    templateProcessing["special_tokens"][bosToken] = {{"id", bosToken}, {"ids", {bosId}}, {"tokens", {bosToken}}};
    json postProcessor = {{"type", "Sequence"}};
    postProcessor["processors"] =
        json::array({{{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}},
                     templateProcessing});
    const json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"},
             {"pattern", {{"Regex", preTokenizerPattern(PreTokenizerKind::Llama3)}}},
             {"behavior", "Isolated"},
             {"invert", false}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}}},
        {"post_processor", postProcessor},
        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", merges}}},
    };
    json config = {{"tokenizer_class", "PreTrainedTokenizerFast"},
                   {"bos_token", bosToken},
                   {"eos_token", eosToken},
                   {"clean_up_tokenization_spaces", false},
                   {"model_max_length", 1000000}};
    if (!chatTemplate.empty())
        config["chat_template"] = chatTemplate;
    for (const auto &[name, value] :
         {std::pair<const char *, json>{"tokenizer.json", tokenizer}, {"tokenizer_config.json", config}})
        writeFileAtomically((std::filesystem::path(directory) / name).string(), value.dump(1) + "\n");
}

} // namespace mtm::engine
