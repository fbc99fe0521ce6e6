#include "engine/model/GenerationConfig.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"

#include <filesystem>
#include <fstream>

namespace mtm::engine {

GenerationConfig GenerationConfig::fromFile(const std::string &path)
{
    GenerationConfig config;
    if (!std::filesystem::exists(path))
        return config;
    const nlohmann::json json = readJsonFile(path);
    try {
        if (json.contains("bos_token_id") && json["bos_token_id"].is_number_integer())
            config.bosTokenId = json["bos_token_id"].get<std::int64_t>();
        if (json.contains("eos_token_id")) {
            const auto &eos = json["eos_token_id"];
            if (eos.is_number_integer())
                config.eosTokenIds.push_back(eos.get<std::int64_t>());
            else if (eos.is_array())
                config.eosTokenIds = eos.get<std::vector<std::int64_t>>();
        }
        if (json.contains("pad_token_id") && json["pad_token_id"].is_number_integer())
            config.padTokenId = json["pad_token_id"].get<std::int64_t>();
        config.doSample = json.value("do_sample", config.doSample);
        config.temperature = json.value("temperature", config.temperature);
        config.topP = json.value("top_p", config.topP);
        config.topK = json.value("top_k", config.topK);
        config.repetitionPenalty = json.value("repetition_penalty", config.repetitionPenalty);
        if (json.contains("max_new_tokens") && json["max_new_tokens"].is_number_integer())
            config.maxNewTokens = json["max_new_tokens"].get<std::int64_t>();
    } catch (const nlohmann::json::exception &error) {
        throw EngineError(path + ": a value has the wrong type (" + jsonErrorText(error.what()) + ")");
    }
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
