#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mtm::engine {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

[[noreturn]] void unsupported(const std::string &path, const std::string &what)
{
    throw EngineError(path + ": " + what +
                      " is not supported (supported: byte-level BPE as in GPT-2, Llama 3 and "
                      "Qwen2, and SentencePiece-style BPE as in Llama 2, Mistral and Phi-3)");
}

// A token given in tokenizer_config.json as "text" or {"content": "text", ...}.
std::string tokenText(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (member(value, "content").is_string())
        return member(value, "content").get<std::string>();
    return {};
}

// The chat template of tokenizer_config.json: a string, or a list of {name, template} (the "default" one).
std::string chatTemplateOf(const json &config, const std::string &where)
{
    const json &value = member(config, "chat_template");
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_array()) {
        for (const json &item : value) {
            if (stringMember(item, "name", "", where) == "default")
                return stringMember(item, "template", "", where);
        }
        if (!value.empty())
            return stringMember(value[0], "template", "", where);
    }
    return {};
}

bool isSentencePieceNormalizer(const json &normalizer, const std::string &where)
{
    // Sequence[Prepend("▁"), Replace(" ", "▁")] as Llama 2's tokenizer.json has it.
    if (stringMember(normalizer, "type", "", where) != "Sequence")
        return false;
    bool prepend = false, replace = false;
    for (const json &step : listMember(normalizer, "normalizers", where)) {
        const std::string type = stringMember(step, "type", "", where);
        prepend = prepend || (type == "Prepend" && member(step, "prepend") == "\xE2\x96\x81");
        replace = replace || (type == "Replace" && member(step, "content") == "\xE2\x96\x81");
    }
    return prepend && replace;
}

} // namespace

std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string &tokenizerPath, const std::string &configPath)
{
    const json root = readJsonFile(tokenizerPath);
    const json &model = member(root, "model");
    if (!model.is_object())
        throw EngineError(tokenizerPath + " has no \"model\" section");
    const std::string modelType = stringMember(model, "type", "BPE", tokenizerPath);
    if (modelType != "BPE")
        unsupported(tokenizerPath, "the tokenizer model \"" + modelType + "\"");
    const json &vocabulary = member(model, "vocab");
    if (!vocabulary.is_object())
        throw EngineError(tokenizerPath + ": model.vocab is missing or not an object of token: id");

    // Vocabulary, with ids as given (gaps allowed, later filled by added tokens). Ids are checked before anything
    // is allocated for them: a few gaps are fine, an id far beyond the number of tokens is a broken file.
    const json &addedTokens = listMember(root, "added_tokens", tokenizerPath);
    const long long idLimit = static_cast<long long>(vocabulary.size() + addedTokens.size()) + 1024;
    const auto checkedId = [&](const json &value, const std::string &token, const char *section) {
        if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() >= idLimit)
            throw EngineError(tokenizerPath + ": the id of " + section + " '" + token + "' is " + jsonExcerpt(value) +
                              "; ids are whole numbers from 0 to a little over the number of tokens (" +
                              std::to_string(idLimit - 1) + " here)");
        return static_cast<std::size_t>(value.get<long long>());
    };
    std::vector<std::string> tokens;
    for (auto item = vocabulary.begin(); item != vocabulary.end(); ++item) {
        const std::size_t id = checkedId(item.value(), item.key(), "token");
        if (id >= tokens.size())
            tokens.resize(id + 1);
        tokens[id] = item.key();
    }
    std::vector<std::pair<std::string, std::string>> merges;
    {
        for (const json &merge : listMember(model, "merges", tokenizerPath)) {
            if (merge.is_string()) {
                const std::string text = merge.get<std::string>();
                const auto space = text.find(' ', 1);
                if (space == std::string::npos)
                    throw EngineError(tokenizerPath + ": the merge \"" + text + "\" is not two tokens");
                merges.emplace_back(text.substr(0, space), text.substr(space + 1));
            } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
                merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
            } else {
                throw EngineError(tokenizerPath +
                                  ": a merge is neither \"a b\" nor [\"a\", \"b\"]: " + jsonExcerpt(merge));
            }
        }
    }
    std::optional<std::int32_t> unknown;
    if (const std::string name = stringMember(model, "unk_token", "", tokenizerPath); !name.empty()) {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (tokens[i] == name)
                unknown = static_cast<std::int32_t>(i);
        }
    }

    std::vector<AddedToken> added;
    for (const json &item : addedTokens) {
        if (!item.is_object() || !item.contains("content") || !item["content"].is_string() || !item.contains("id"))
            throw EngineError(tokenizerPath + ": an entry of added_tokens is not {\"id\": …, \"content\": \"…\"}: " +
                              jsonExcerpt(item));
        AddedToken token;
        token.content = item["content"].get<std::string>();
        const std::string where = tokenizerPath + ", the added token " + jsonExcerpt(item["content"]);
        const auto flag = [&](const char *key) { return flagMember(item, key, false, where); };
        token.id = static_cast<std::int32_t>(checkedId(item["id"], token.content, "the added token"));
        token.special = flag("special");
        token.leftStrip = flag("lstrip");
        token.rightStrip = flag("rstrip");
        added.push_back(token);
        if (static_cast<std::size_t>(token.id) >= tokens.size())
            tokens.resize(static_cast<std::size_t>(token.id) + 1);
        if (tokens[static_cast<std::size_t>(token.id)].empty())
            tokens[static_cast<std::size_t>(token.id)] = token.content;
    }

    Tokenizer::Settings settings;
    const json &normalizer = member(root, "normalizer");
    const json &preTokenizer = member(root, "pre_tokenizer");
    const std::string preTokenizerType = stringMember(preTokenizer, "type", "", tokenizerPath);
    if (isSentencePieceNormalizer(normalizer, tokenizerPath)) {
        settings.kind = Tokenizer::Kind::SentencePiece;
        settings.spacePrefix = Tokenizer::SpacePrefix::AfterEverySpecial;
    } else if (preTokenizerType == "Metaspace") {
        settings.kind = Tokenizer::Kind::SentencePiece;
        const std::string scheme = stringMember(
            preTokenizer, "prepend_scheme",
            flagMember(preTokenizer, "add_prefix_space", true, tokenizerPath) ? "always" : "never", tokenizerPath);
        settings.spacePrefix = scheme == "never"   ? Tokenizer::SpacePrefix::None
                               : scheme == "first" ? Tokenizer::SpacePrefix::First
                                                   : Tokenizer::SpacePrefix::AfterEverySpecial;
    } else {
        settings.kind = Tokenizer::Kind::ByteLevel;
        if (normalizer.is_object()) {
            if (stringMember(normalizer, "type", "", tokenizerPath) != "NFC")
                unsupported(tokenizerPath, "the normalizer " + jsonExcerpt(normalizer));
            settings.nfc = true;
        }
        // ByteLevel alone (GPT-2's expression), or Sequence[Split(expression), ByteLevel].
        if (preTokenizerType == "ByteLevel") {
            if (flagMember(preTokenizer, "add_prefix_space", false, tokenizerPath))
                unsupported(tokenizerPath, "ByteLevel with add_prefix_space");
            settings.preTokenizer = PreTokenizerKind::Gpt2;
        } else if (preTokenizerType == "Sequence") {
            for (const json &step : listMember(preTokenizer, "pretokenizers", tokenizerPath)) {
                const std::string stepType = stringMember(step, "type", "", tokenizerPath);
                const std::string pattern = stringMember(member(step, "pattern"), "Regex", "", tokenizerPath);
                if (stepType == "Split" && !pattern.empty()) {
                    settings.preTokenizer = preTokenizerForPattern(pattern);
                    if (!settings.preTokenizer)
                        unsupported(tokenizerPath, "the pre-tokenizer expression " + pattern);
                } else if (stepType == "ByteLevel") {
                    if (flagMember(step, "add_prefix_space", false, tokenizerPath))
                        unsupported(tokenizerPath, "ByteLevel with add_prefix_space");
                    if (flagMember(step, "use_regex", true, tokenizerPath) && !settings.preTokenizer)
                        settings.preTokenizer = PreTokenizerKind::Gpt2;
                } else {
                    unsupported(tokenizerPath, "the pre-tokenizer step " + jsonExcerpt(step));
                }
            }
        }
        if (!settings.preTokenizer)
            unsupported(tokenizerPath, "the pre-tokenizer " + jsonExcerpt(preTokenizer));
    }

    // BOS/EOS: tokenizer_config.json when given; else what the post-processor puts around a text.
    auto idOf = [&](const std::string &content) -> std::optional<std::int32_t> {
        for (const AddedToken &token : added) {
            if (token.content == content)
                return token.id;
        }
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (tokens[i] == content)
                return static_cast<std::int32_t>(i);
        }
        return std::nullopt;
    };
    const json &postProcessor = member(root, "post_processor");
    std::vector<const json *> steps = {&postProcessor};
    if (stringMember(postProcessor, "type", "", tokenizerPath) == "Sequence") {
        steps.clear();
        for (const json &step : listMember(postProcessor, "processors", tokenizerPath))
            steps.push_back(&step);
    }
    // The special token a template puts first (BOS) or last (EOS) around a single text.
    const auto specialToken = [&](const json &piece) {
        return stringMember(member(piece, "SpecialToken"), "id", "", tokenizerPath);
    };
    for (const json *step : steps) {
        if (stringMember(*step, "type", "", tokenizerPath) != "TemplateProcessing")
            continue;
        const json &single = listMember(*step, "single", tokenizerPath);
        if (!single.empty() && !specialToken(single.front()).empty()) {
            settings.bos = idOf(specialToken(single.front()));
            settings.addBos = settings.bos.has_value();
        }
        if (single.size() > 1 && !specialToken(single.back()).empty()) {
            settings.eos = idOf(specialToken(single.back()));
            settings.addEos = settings.eos.has_value();
        }
    }
    if (!configPath.empty() && fs::exists(configPath)) {
        const json config = readJsonFile(configPath);
        for (const auto &[key, target] :
             {std::pair<const char *, std::optional<std::int32_t> *>{"bos_token", &settings.bos},
              {"eos_token", &settings.eos},
              {"pad_token", &settings.pad},
              {"unk_token", &settings.unknown}}) {
            const std::string text = tokenText(member(config, key));
            if (!text.empty())
                *target = idOf(text);
        }
        settings.addBos = flagMember(config, "add_bos_token", settings.addBos, configPath);
        settings.addEos = flagMember(config, "add_eos_token", settings.addEos, configPath);
        settings.chatTemplate = chatTemplateOf(config, configPath);
    }
    if (!settings.unknown)
        settings.unknown = unknown;

    try {
        auto bpe = std::make_unique<BpeModel>(std::move(tokens), std::move(merges), std::vector<float>(),
                                              flagMember(model, "byte_fallback", false, tokenizerPath), unknown,
                                              flagMember(model, "ignore_merges", false, tokenizerPath));
        return std::make_unique<Tokenizer>(std::move(bpe), std::move(added), std::move(settings));
    } catch (const EngineError &error) {
        throw EngineError(tokenizerPath + ": " + error.what());
    }
}

std::unique_ptr<Tokenizer> loadTokenizerFromGguf(const GgufFile &file)
{
    // Lists are counted before they are decoded: the largest vocabularies hold about 260,000 tokens.
    constexpr std::uint64_t kMaxListSize = std::uint64_t(1) << 23;
    for (const char *key : {"tokenizer.ggml.tokens", "tokenizer.ggml.merges"}) {
        if (file.find(key) && file.arraySize(key) > kMaxListSize)
            throw EngineError(file.path() + ": " + key + " holds " + std::to_string(file.arraySize(key)) +
                              " entries; a tokenizer has at most " + std::to_string(kMaxListSize));
    }
    const std::string model = file.string("tokenizer.ggml.model");
    const std::vector<std::string> tokens = file.stringArray("tokenizer.ggml.tokens");
    std::vector<std::int64_t> types(tokens.size(), 1);
    if (file.find("tokenizer.ggml.token_type")) {
        if (file.arraySize("tokenizer.ggml.token_type") != tokens.size())
            throw EngineError(file.path() + ": tokenizer.ggml.token_type has " +
                              std::to_string(file.arraySize("tokenizer.ggml.token_type")) + " entries for " +
                              std::to_string(tokens.size()) + " tokens");
        types = file.integerArray("tokenizer.ggml.token_type");
    }
    auto optionalId = [&](const char *key) -> std::optional<std::int32_t> {
        if (!file.find(key))
            return std::nullopt;
        const std::int64_t id = file.integer(key);
        if (id < 0 || id >= static_cast<std::int64_t>(tokens.size()))
            return std::nullopt;
        return static_cast<std::int32_t>(id);
    };
    auto flag = [&](const char *key, bool fallback) { return file.find(key) ? file.integer(key) != 0 : fallback; };

    Tokenizer::Settings settings;
    settings.bos = optionalId("tokenizer.ggml.bos_token_id");
    settings.eos = optionalId("tokenizer.ggml.eos_token_id");
    settings.pad = optionalId("tokenizer.ggml.padding_token_id");
    settings.unknown = optionalId("tokenizer.ggml.unknown_token_id");
    if (file.find("tokenizer.chat_template"))
        settings.chatTemplate = file.string("tokenizer.chat_template");

    // Control (3) and user-defined (4) tokens are matched in text; control ones only when asked.
    std::vector<AddedToken> added;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (types[i] == 3 || types[i] == 4)
            added.push_back({tokens[i], static_cast<std::int32_t>(i), types[i] == 3, false, false});
    }

    std::unique_ptr<BpeModel> bpe;
    try {
        if (model == "llama") {
            settings.kind = Tokenizer::Kind::SentencePiece;
            settings.spacePrefix = flag("tokenizer.ggml.add_space_prefix", true)
                                       ? Tokenizer::SpacePrefix::AfterEverySpecial
                                       : Tokenizer::SpacePrefix::None;
            settings.addBos = flag("tokenizer.ggml.add_bos_token", true);
            settings.addEos = flag("tokenizer.ggml.add_eos_token", false);
            std::vector<float> scores(tokens.size(), 0.0f);
            if (file.find("tokenizer.ggml.scores")) {
                if (file.arraySize("tokenizer.ggml.scores") != tokens.size())
                    throw EngineError(file.path() + ": tokenizer.ggml.scores has " +
                                      std::to_string(file.arraySize("tokenizer.ggml.scores")) + " entries for " +
                                      std::to_string(tokens.size()) + " tokens");
                const std::vector<double> values = file.realArray("tokenizer.ggml.scores");
                scores.assign(values.begin(), values.end());
            }
            bpe = std::make_unique<BpeModel>(tokens, std::vector<std::pair<std::string, std::string>>(),
                                             std::move(scores), true, settings.unknown, false);
        } else if (model == "gpt2") {
            settings.kind = Tokenizer::Kind::ByteLevel;
            const std::string pre = file.find("tokenizer.ggml.pre") ? file.string("tokenizer.ggml.pre") : "default";
            settings.preTokenizer = preTokenizerForGgufName(pre);
            if (!settings.preTokenizer)
                unsupported(file.path(), "the pre-tokenizer \"" + pre + "\"");
            if (pre == "qwen2")
                settings.nfc = true;
            settings.addBos = flag("tokenizer.ggml.add_bos_token", false);
            settings.addEos = flag("tokenizer.ggml.add_eos_token", false);
            std::vector<std::pair<std::string, std::string>> merges;
            for (const std::string &merge : file.stringArray("tokenizer.ggml.merges")) {
                const auto space = merge.find(' ', 1);
                if (space == std::string::npos)
                    throw EngineError(file.path() + ": the merge \"" + merge + "\" is not two tokens");
                merges.emplace_back(merge.substr(0, space), merge.substr(space + 1));
            }
            bpe = std::make_unique<BpeModel>(tokens, std::move(merges), std::vector<float>(), false, settings.unknown,
                                             pre == "llama-bpe" || pre == "llama3");
        } else {
            unsupported(file.path(), "the GGUF tokenizer model \"" + model + "\"");
        }
        return std::make_unique<Tokenizer>(std::move(bpe), std::move(added), std::move(settings));
    } catch (const EngineError &error) {
        const std::string message = error.what();
        throw EngineError(message.rfind(file.path(), 0) == 0 ? message : file.path() + ": " + message);
    }
}

std::unique_ptr<Tokenizer> loadTokenizer(const std::string &path)
{
    if (fs::is_directory(path)) {
        const fs::path tokenizer = fs::path(path) / "tokenizer.json";
        if (!fs::exists(tokenizer))
            throw EngineError(path + " has no tokenizer.json; a model folder needs the tokenizer its model was "
                                     "trained with");
        return loadTokenizerJson(tokenizer.string(), (fs::path(path) / "tokenizer_config.json").string());
    }
    if (fs::path(path).extension() == ".gguf")
        return loadTokenizerFromGguf(GgufFile(path));
    const fs::path config = fs::path(path).parent_path() / "tokenizer_config.json";
    return loadTokenizerJson(path, config.string());
}

} // namespace mtm::engine
