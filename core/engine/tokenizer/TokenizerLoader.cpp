#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/io/JsonText.h"

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
    if (value.is_object() && value.contains("content") && value["content"].is_string())
        return value["content"].get<std::string>();
    return {};
}

// The chat template of tokenizer_config.json: a string, or a list of {name, template} (the "default" one).
std::string chatTemplateOf(const json &config)
{
    if (!config.contains("chat_template"))
        return {};
    const json &value = config["chat_template"];
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_array()) {
        for (const json &item : value) {
            if (item.value("name", "") == "default" && item.contains("template"))
                return item["template"].get<std::string>();
        }
        if (!value.empty() && value[0].contains("template"))
            return value[0]["template"].get<std::string>();
    }
    return {};
}

bool isSentencePieceNormalizer(const json &normalizer)
{
    // Sequence[Prepend("▁"), Replace(" ", "▁")] as Llama 2's tokenizer.json has it.
    if (!normalizer.is_object() || normalizer.value("type", "") != "Sequence")
        return false;
    bool prepend = false, replace = false;
    for (const json &step : normalizer["normalizers"]) {
        prepend = prepend || (step.value("type", "") == "Prepend" && step.value("prepend", "") == "\xE2\x96\x81");
        replace = replace || (step.value("type", "") == "Replace" && step.value("content", "") == "\xE2\x96\x81");
    }
    return prepend && replace;
}

} // namespace

std::unique_ptr<Tokenizer> loadTokenizerJson(const std::string &tokenizerPath, const std::string &configPath)
{
    const json root = readJsonFile(tokenizerPath);
    if (!root.contains("model") || !root["model"].is_object())
        throw EngineError(tokenizerPath + " has no \"model\" section");
    const json &model = root["model"];
    if (model.value("type", "BPE") != "BPE")
        unsupported(tokenizerPath, "the tokenizer model \"" + model.value("type", "") + "\"");
    if (!model.contains("vocab") || !model["vocab"].is_object())
        throw EngineError(tokenizerPath + ": model.vocab is missing or not an object of token: id");

    // Vocabulary, with ids as given (gaps allowed, later filled by added tokens). Ids are checked before anything
    // is allocated for them: a few gaps are fine, an id far beyond the number of tokens is a broken file.
    const json addedTokens = root.value("added_tokens", json::array());
    if (!addedTokens.is_array())
        throw EngineError(tokenizerPath + ": added_tokens is not a list");
    const long long idLimit = static_cast<long long>(model["vocab"].size() + addedTokens.size()) + 1024;
    const auto checkedId = [&](const json &value, const std::string &token, const char *section) {
        if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() >= idLimit)
            throw EngineError(tokenizerPath + ": the id of " + section + " '" + token + "' is " + jsonExcerpt(value) +
                              "; ids are whole numbers from 0 to a little over the number of tokens (" +
                              std::to_string(idLimit - 1) + " here)");
        return static_cast<std::size_t>(value.get<long long>());
    };
    std::vector<std::string> tokens;
    for (auto item = model["vocab"].begin(); item != model["vocab"].end(); ++item) {
        const std::size_t id = checkedId(item.value(), item.key(), "token");
        if (id >= tokens.size())
            tokens.resize(id + 1);
        tokens[id] = item.key();
    }
    std::vector<std::pair<std::string, std::string>> merges;
    if (model.contains("merges")) {
        for (const json &merge : model["merges"]) {
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
    if (model.contains("unk_token") && model["unk_token"].is_string()) {
        const std::string name = model["unk_token"].get<std::string>();
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
        const auto flag = [&](const char *key) {
            const json &value = item.value(key, json(false));
            if (!value.is_boolean())
                throw EngineError(tokenizerPath + ": \"" + key + "\" of the added token " +
                                  jsonExcerpt(item["content"]) + " is not true or false");
            return value.get<bool>();
        };
        AddedToken token;
        token.content = item["content"].get<std::string>();
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
    const json &normalizer = root.contains("normalizer") ? root["normalizer"] : json();
    const json &preTokenizer = root.contains("pre_tokenizer") ? root["pre_tokenizer"] : json();
    if (isSentencePieceNormalizer(normalizer)) {
        settings.kind = Tokenizer::Kind::SentencePiece;
        settings.spacePrefix = Tokenizer::SpacePrefix::AfterEverySpecial;
    } else if (preTokenizer.is_object() && preTokenizer.value("type", "") == "Metaspace") {
        settings.kind = Tokenizer::Kind::SentencePiece;
        const std::string scheme =
            preTokenizer.value("prepend_scheme", preTokenizer.value("add_prefix_space", true) ? "always" : "never");
        settings.spacePrefix = scheme == "never"   ? Tokenizer::SpacePrefix::None
                               : scheme == "first" ? Tokenizer::SpacePrefix::First
                                                   : Tokenizer::SpacePrefix::AfterEverySpecial;
    } else {
        settings.kind = Tokenizer::Kind::ByteLevel;
        if (normalizer.is_object()) {
            if (normalizer.value("type", "") != "NFC")
                unsupported(tokenizerPath, "the normalizer " + jsonExcerpt(normalizer));
            settings.nfc = true;
        }
        // ByteLevel alone (GPT-2's expression), or Sequence[Split(expression), ByteLevel].
        if (preTokenizer.value("type", "") == "ByteLevel") {
            if (preTokenizer.value("add_prefix_space", false))
                unsupported(tokenizerPath, "ByteLevel with add_prefix_space");
            settings.preTokenizer = PreTokenizerKind::Gpt2;
        } else if (preTokenizer.value("type", "") == "Sequence") {
            for (const json &step : preTokenizer["pretokenizers"]) {
                if (step.value("type", "") == "Split" && step.contains("pattern") &&
                    step["pattern"].contains("Regex")) {
                    const std::string pattern = step["pattern"]["Regex"].get<std::string>();
                    settings.preTokenizer = preTokenizerForPattern(pattern);
                    if (!settings.preTokenizer)
                        unsupported(tokenizerPath, "the pre-tokenizer expression " + pattern);
                } else if (step.value("type", "") == "ByteLevel") {
                    if (step.value("add_prefix_space", false))
                        unsupported(tokenizerPath, "ByteLevel with add_prefix_space");
                    if (step.value("use_regex", true) && !settings.preTokenizer)
                        settings.preTokenizer = PreTokenizerKind::Gpt2;
                } else {
                    unsupported(tokenizerPath, "the pre-tokenizer step " + step.value("type", std::string("?")));
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
    if (root.contains("post_processor") && root["post_processor"].is_object()) {
        std::vector<json> steps = {root["post_processor"]};
        if (root["post_processor"].value("type", "") == "Sequence")
            steps.assign(root["post_processor"]["processors"].begin(), root["post_processor"]["processors"].end());
        for (const json &step : steps) {
            if (step.value("type", "") != "TemplateProcessing" || !step.contains("single"))
                continue;
            const json &single = step["single"];
            if (!single.empty() && single.front().contains("SpecialToken")) {
                settings.bos = idOf(single.front()["SpecialToken"]["id"].get<std::string>());
                settings.addBos = settings.bos.has_value();
            }
            if (single.size() > 1 && single.back().contains("SpecialToken")) {
                settings.eos = idOf(single.back()["SpecialToken"]["id"].get<std::string>());
                settings.addEos = settings.eos.has_value();
            }
        }
    }
    if (!configPath.empty() && fs::exists(configPath)) {
        const json config = readJsonFile(configPath);
        for (const auto &[key, target] :
             {std::pair<const char *, std::optional<std::int32_t> *>{"bos_token", &settings.bos},
              {"eos_token", &settings.eos},
              {"pad_token", &settings.pad},
              {"unk_token", &settings.unknown}}) {
            if (config.contains(key)) {
                const std::string text = tokenText(config[key]);
                if (!text.empty())
                    *target = idOf(text);
            }
        }
        if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean())
            settings.addBos = config["add_bos_token"].get<bool>();
        if (config.contains("add_eos_token") && config["add_eos_token"].is_boolean())
            settings.addEos = config["add_eos_token"].get<bool>();
        settings.chatTemplate = chatTemplateOf(config);
    }
    if (!settings.unknown)
        settings.unknown = unknown;

    try {
        auto bpe = std::make_unique<BpeModel>(std::move(tokens), std::move(merges), std::vector<float>(),
                                              model.value("byte_fallback", false), unknown,
                                              model.value("ignore_merges", false));
        return std::make_unique<Tokenizer>(std::move(bpe), std::move(added), std::move(settings));
    } catch (const EngineError &error) {
        throw EngineError(tokenizerPath + ": " + error.what());
    }
}

std::unique_ptr<Tokenizer> loadTokenizerFromGguf(const GgufFile &file)
{
    const std::string model = file.string("tokenizer.ggml.model");
    const std::vector<std::string> &tokens = file.stringArray("tokenizer.ggml.tokens");
    std::vector<std::int64_t> types(tokens.size(), 1);
    if (file.find("tokenizer.ggml.token_type")) {
        types = file.integerArray("tokenizer.ggml.token_type");
        if (types.size() != tokens.size())
            throw EngineError(file.path() + ": tokenizer.ggml.token_type has " + std::to_string(types.size()) +
                              " entries for " + std::to_string(tokens.size()) + " tokens");
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
                const auto &values = file.realArray("tokenizer.ggml.scores");
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
