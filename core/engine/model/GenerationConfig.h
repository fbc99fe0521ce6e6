// generation_config.json: the sampling defaults and stop tokens a model ships with.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

struct GenerationConfig
{
    std::optional<std::int64_t> bosTokenId;
    std::vector<std::int64_t> eosTokenIds;
    std::optional<std::int64_t> padTokenId;
    bool doSample = false;
    double temperature = 1.0;
    double topP = 1.0;
    std::int64_t topK = 50;
    double repetitionPenalty = 1.0;
    std::optional<std::int64_t> maxNewTokens;

    // Missing file: the defaults. Malformed file: EngineError naming it.
    static GenerationConfig fromFile(const std::string &path);
    nlohmann::json toJson() const;
};

} // namespace mtm::engine
