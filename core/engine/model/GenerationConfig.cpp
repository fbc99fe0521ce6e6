#include "engine/model/GenerationConfig.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

std::string plainNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return text;
}

} // namespace

GenerationConfig GenerationConfig::fromFile(const std::string &path)
{
    GenerationConfig config;
    if (!std::filesystem::exists(path))
        return config;
    const nlohmann::json json = readJsonFile(path);
    if (!json.is_object())
        throw EngineError(path + ": generation settings must be a JSON object");
    const auto id = [&](const char *key) -> std::optional<std::int64_t> {
        const nlohmann::json &value = member(json, key);
        return value.is_number_integer() ? std::optional(value.get<std::int64_t>()) : std::nullopt;
    };
    config.bosTokenId = id("bos_token_id");
    config.padTokenId = id("pad_token_id");
    const nlohmann::json &eos = member(json, "eos_token_id");
    if (eos.is_number_integer())
        config.eosTokenIds.push_back(eos.get<std::int64_t>());
    for (const nlohmann::json &item : eos.is_array() ? eos : nlohmann::json::array()) {
        if (item.is_number_integer())
            config.eosTokenIds.push_back(item.get<std::int64_t>());
    }
    config.doSample = flagMember(json, "do_sample", config.doSample, path);
    // Ranges as transformers accepts them; what lies outside would make sampling meaningless.
    const auto number = [&](const char *key, double fallback, double low, double high) {
        const double value = numberMember(json, key, fallback, path);
        if (value < low || value > high)
            throw EngineError(path + ": \"" + key + "\" is " + jsonExcerpt(member(json, key)) +
                              "; it must lie between " + plainNumber(low) + " and " + plainNumber(high));
        return value;
    };
    config.temperature = number("temperature", config.temperature, 0, 100);
    config.topP = number("top_p", config.topP, 0, 1);
    config.topK = static_cast<std::int64_t>(number("top_k", double(config.topK), 0, 1e9));
    config.repetitionPenalty = number("repetition_penalty", config.repetitionPenalty, 1e-3, 1e3);
    if (const auto maxNew = id("max_new_tokens"); maxNew && *maxNew > 0)
        config.maxNewTokens = maxNew;
    return config;
}

nlohmann::json GenerationConfig::toJson() const
{
    nlohmann::json json = {{"do_sample", doSample}, {"temperature", temperature}, {"top_p", topP}, {"top_k", topK}};
    if (repetitionPenalty != 1.0)
        json["repetition_penalty"] = repetitionPenalty;
    if (bosTokenId)
        json["bos_token_id"] = *bosTokenId;
    if (eosTokenIds.size() == 1)
        json["eos_token_id"] = eosTokenIds.front();
    else if (!eosTokenIds.empty())
        json["eos_token_id"] = eosTokenIds;
    if (padTokenId)
        json["pad_token_id"] = *padTokenId;
    if (maxNewTokens)
        json["max_new_tokens"] = *maxNewTokens;
    return json;
}

} // namespace mtm::engine
