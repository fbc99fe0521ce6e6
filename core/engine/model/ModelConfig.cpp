#include "engine/model/ModelConfig.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"

#include <fstream>

namespace mtm::engine {
namespace {

using nlohmann::json;

// Far above any model's (the largest vocabularies hold about 260,000 tokens, the widest layers 30,000 values)
// and far below what would ask for an impossible allocation before the weights are even read.
std::int64_t largestAllowed(const std::string &key)
{
    if (key == "vocab_size")
        return std::int64_t(1) << 22;
    if (key == "intermediate_size")
        return std::int64_t(1) << 20;
    if (key == "max_position_embeddings")
        return std::int64_t(1) << 24;
    if (key == "hidden_size")
        return std::int64_t(1) << 17;
    return 1024; // layers, heads, head_dim
}

std::int64_t requirePositive(const json &config, const char *key, const std::string &where)
{
    const json &value = member(config, key);
    if (value.is_null())
        throw EngineError(where + ": \"" + key + "\" is missing");
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0)
        throw EngineError(where + ": \"" + key + "\" must be a positive integer, not " + jsonExcerpt(value));
    if (value.get<std::int64_t>() > largestAllowed(key))
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", more than any model has (at most " +
                          std::to_string(largestAllowed(key)) + ")");
    return value.get<std::int64_t>();
}

std::vector<std::int64_t> idList(const json &value)
{
    std::vector<std::int64_t> ids;
    if (value.is_number_integer())
        ids.push_back(value.get<std::int64_t>());
    else if (value.is_array())
        for (const json &id : value)
            if (id.is_number_integer())
                ids.push_back(id.get<std::int64_t>());
    return ids;
}

} // namespace

ModelConfig ModelConfig::fromFile(const std::string &path)
{
    return fromJson(readJsonFile(path), path);
}

ModelConfig ModelConfig::fromJson(const json &config, const std::string &where)
{
    if (!config.is_object())
        throw EngineError(where + ": a model configuration must be a JSON object");
    ModelConfig c;
    std::string architecture;
    if (config.contains("architectures") && config["architectures"].is_array() && !config["architectures"].empty())
        architecture = config["architectures"][0].get<std::string>();
    const std::string type = config.value("model_type", std::string());
    if (architecture == "LlamaForCausalLM" || (architecture.empty() && type == "llama"))
        c.family = ModelFamily::Llama;
    else if (architecture == "MistralForCausalLM" || (architecture.empty() && type == "mistral"))
        c.family = ModelFamily::Mistral;
    else if (architecture == "Qwen2ForCausalLM" || (architecture.empty() && type == "qwen2"))
        c.family = ModelFamily::Qwen2;
    else
        throw EngineError(where + ": the architecture \"" + (architecture.empty() ? type : architecture) +
                          "\" is not supported (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");

    c.vocabSize = requirePositive(config, "vocab_size", where);
    c.hiddenSize = requirePositive(config, "hidden_size", where);
    c.intermediateSize = requirePositive(config, "intermediate_size", where);
    c.layers = requirePositive(config, "num_hidden_layers", where);
    c.heads = requirePositive(config, "num_attention_heads", where);
    c.kvHeads = config.contains("num_key_value_heads") && !config["num_key_value_heads"].is_null()
                    ? requirePositive(config, "num_key_value_heads", where)
                    : c.heads;
    c.headDim = config.contains("head_dim") && !config["head_dim"].is_null()
                    ? requirePositive(config, "head_dim", where)
                    : c.hiddenSize / c.heads;
    if (!config.contains("head_dim") && c.hiddenSize % c.heads != 0)
        throw EngineError(where + ": hidden_size (" + std::to_string(c.hiddenSize) +
                          ") is not a multiple of num_attention_heads (" + std::to_string(c.heads) + ")");
    if (c.heads % c.kvHeads != 0)
        throw EngineError(where + ": num_attention_heads (" + std::to_string(c.heads) +
                          ") is not a multiple of num_key_value_heads (" + std::to_string(c.kvHeads) + ")");
    if (c.headDim % 2 != 0)
        throw EngineError(where + ": the head dimension (" + std::to_string(c.headDim) + ") must be even for RoPE");
    if (config.contains("max_position_embeddings"))
        c.maxPositions = requirePositive(config, "max_position_embeddings", where);
    c.rmsNormEps = config.value("rms_norm_eps", c.rmsNormEps);
    c.ropeTheta = config.value("rope_theta", c.ropeTheta);
    if (config.contains("rope_scaling") && config["rope_scaling"].is_object()) {
        const json &scaling = config["rope_scaling"];
        c.ropeScaling.type = scaling.value("rope_type", scaling.value("type", std::string()));
        c.ropeScaling.factor = scaling.value("factor", 1.0);
        if (c.ropeScaling.type == "llama3") {
            c.ropeScaling.lowFrequencyFactor = scaling.value("low_freq_factor", 1.0);
            c.ropeScaling.highFrequencyFactor = scaling.value("high_freq_factor", 4.0);
            c.ropeScaling.originalMaxPositions = scaling.value("original_max_position_embeddings", std::int64_t(8192));
        } else if (c.ropeScaling.type == "default") {
            c.ropeScaling.type.clear();
        } else if (c.ropeScaling.type != "linear") {
            throw EngineError(where + ": rope_scaling of type \"" + c.ropeScaling.type +
                              "\" is not supported (supported: linear, llama3)");
        }
    }
    c.tieWordEmbeddings = config.value("tie_word_embeddings", false);
    c.attentionBias = c.family == ModelFamily::Qwen2 ? true : config.value("attention_bias", false);
    c.mlpBias = config.value("mlp_bias", false);
    if (config.contains("sliding_window") && config["sliding_window"].is_number_integer() &&
        config.value("use_sliding_window", c.family == ModelFamily::Mistral))
        c.slidingWindow = config["sliding_window"].get<std::int64_t>();
    if (config.contains("torch_dtype") && config["torch_dtype"].is_string())
        c.torchDtype = config["torch_dtype"].get<std::string>();
    if (config.contains("bos_token_id") && config["bos_token_id"].is_number_integer())
        c.bosTokenId = config["bos_token_id"].get<std::int64_t>();
    if (config.contains("eos_token_id"))
        c.eosTokenIds = idList(config["eos_token_id"]);
    if (config.contains("pad_token_id") && config["pad_token_id"].is_number_integer())
        c.padTokenId = config["pad_token_id"].get<std::int64_t>();
    return c;
}

std::string ModelConfig::architecture() const
{
    switch (family) {
    case ModelFamily::Llama:
        return "LlamaForCausalLM";
    case ModelFamily::Mistral:
        return "MistralForCausalLM";
    case ModelFamily::Qwen2:
        break;
    }
    return "Qwen2ForCausalLM";
}

std::string ModelConfig::modelType() const
{
    switch (family) {
    case ModelFamily::Llama:
        return "llama";
    case ModelFamily::Mistral:
        return "mistral";
    case ModelFamily::Qwen2:
        break;
    }
    return "qwen2";
}

json ModelConfig::toJson() const
{
    json config = {
        {"architectures", {architecture()}},
        {"model_type", modelType()},
        {"vocab_size", vocabSize},
        {"hidden_size", hiddenSize},
        {"intermediate_size", intermediateSize},
        {"num_hidden_layers", layers},
        {"num_attention_heads", heads},
        {"num_key_value_heads", kvHeads},
        {"head_dim", headDim},
        {"max_position_embeddings", maxPositions},
        {"rms_norm_eps", rmsNormEps},
        {"rope_theta", ropeTheta},
        {"hidden_act", "silu"},
        {"initializer_range", 0.02},
        {"tie_word_embeddings", tieWordEmbeddings},
        {"torch_dtype", torchDtype},
        {"use_cache", true},
        {"attention_dropout", 0.0},
    };
    if (family != ModelFamily::Qwen2) {
        config["attention_bias"] = attentionBias;
        config["mlp_bias"] = mlpBias;
    }
    if (ropeScaling.type == "llama3")
        config["rope_scaling"] = {{"rope_type", "llama3"},
                                  {"factor", ropeScaling.factor},
                                  {"low_freq_factor", ropeScaling.lowFrequencyFactor},
                                  {"high_freq_factor", ropeScaling.highFrequencyFactor},
                                  {"original_max_position_embeddings", ropeScaling.originalMaxPositions}};
    else if (ropeScaling.type == "linear")
        config["rope_scaling"] = {{"rope_type", "linear"}, {"factor", ropeScaling.factor}};
    else
        config["rope_scaling"] = nullptr;
    if (family == ModelFamily::Mistral || family == ModelFamily::Qwen2) {
        config["sliding_window"] = slidingWindow ? json(*slidingWindow) : json(nullptr);
        if (family == ModelFamily::Qwen2) {
            config["use_sliding_window"] = false;
            config["max_window_layers"] = layers;
        }
    }
    if (bosTokenId)
        config["bos_token_id"] = *bosTokenId;
    if (eosTokenIds.size() == 1)
        config["eos_token_id"] = eosTokenIds.front();
    else if (!eosTokenIds.empty())
        config["eos_token_id"] = eosTokenIds;
    if (padTokenId)
        config["pad_token_id"] = *padTokenId;
    return config;
}

std::int64_t ModelConfig::parameterCount() const
{
    const std::int64_t qOut = heads * headDim, kvOut = kvHeads * headDim;
    std::int64_t attention = hiddenSize * qOut * 2 + hiddenSize * kvOut * 2;
    if (attentionBias)
        attention += qOut + 2 * kvOut + (family == ModelFamily::Qwen2 ? 0 : hiddenSize);
    std::int64_t mlp = 3 * hiddenSize * intermediateSize;
    if (mlpBias)
        mlp += 2 * intermediateSize + hiddenSize;
    const std::int64_t perLayer = attention + mlp + 2 * hiddenSize;
    return vocabSize * hiddenSize * (tieWordEmbeddings ? 1 : 2) + layers * perLayer + hiddenSize;
}

} // namespace mtm::engine
