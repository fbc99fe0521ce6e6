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
    if (key == "max_position_embeddings" || key == "original_max_position_embeddings" || key == "sliding_window")
        return std::int64_t(1) << 24;
    if (key == "hidden_size")
        return std::int64_t(1) << 17;
    return 1024; // layers, heads, head_dim
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

std::int64_t configSize(const json &config, const char *key, const std::string &where)
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

ModelConfig ModelConfig::fromFile(const std::string &path)
{
    return fromJson(readJsonFile(path), path);
}

ModelConfig ModelConfig::fromJson(const json &config, const std::string &where)
{
    if (!config.is_object())
        throw EngineError(where + ": a model configuration must be a JSON object");
    ModelConfig c;
    const json &architectures = listMember(config, "architectures", where);
    if (!architectures.empty() && !architectures[0].is_string())
        throw EngineError(where + ": \"architectures\" must list class names, not " + jsonExcerpt(architectures[0]));
    const std::string architecture = architectures.empty() ? std::string() : architectures[0].get<std::string>();
    const std::string type = stringMember(config, "model_type", "", where);
    if (architecture == "LlamaForCausalLM" || (architecture.empty() && type == "llama"))
        c.family = ModelFamily::Llama;
    else if (architecture == "MistralForCausalLM" || (architecture.empty() && type == "mistral"))
        c.family = ModelFamily::Mistral;
    else if (architecture == "Qwen2ForCausalLM" || (architecture.empty() && type == "qwen2"))
        c.family = ModelFamily::Qwen2;
    else
        throw EngineError(where + ": the architecture \"" + (architecture.empty() ? type : architecture) +
                          "\" is not supported (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");

    c.vocabSize = configSize(config, "vocab_size", where);
    c.hiddenSize = configSize(config, "hidden_size", where);
    c.intermediateSize = configSize(config, "intermediate_size", where);
    c.layers = configSize(config, "num_hidden_layers", where);
    c.heads = configSize(config, "num_attention_heads", where);
    c.kvHeads =
        member(config, "num_key_value_heads").is_null() ? c.heads : configSize(config, "num_key_value_heads", where);
    const bool headDimGiven = !member(config, "head_dim").is_null();
    c.headDim = headDimGiven ? configSize(config, "head_dim", where) : c.hiddenSize / c.heads;
    if (!headDimGiven && c.hiddenSize % c.heads != 0)
        throw EngineError(where + ": hidden_size (" + std::to_string(c.hiddenSize) +
                          ") is not a multiple of num_attention_heads (" + std::to_string(c.heads) + ")");
    if (c.heads % c.kvHeads != 0)
        throw EngineError(where + ": num_attention_heads (" + std::to_string(c.heads) +
                          ") is not a multiple of num_key_value_heads (" + std::to_string(c.kvHeads) + ")");
    if (c.headDim % 2 != 0)
        throw EngineError(where + ": the head dimension (" + std::to_string(c.headDim) + ") must be even for RoPE");
    if (!member(config, "max_position_embeddings").is_null())
        c.maxPositions = configSize(config, "max_position_embeddings", where);
    c.rmsNormEps = positiveNumberMember(config, "rms_norm_eps", c.rmsNormEps, where);
    c.ropeTheta = positiveNumberMember(config, "rope_theta", c.ropeTheta, where);
    const json &scaling = member(config, "rope_scaling");
    if (scaling.is_object()) {
        const std::string scalingWhere = where + ": rope_scaling";
        c.ropeScaling.type =
            stringMember(scaling, "rope_type", stringMember(scaling, "type", "", scalingWhere), scalingWhere);
        c.ropeScaling.factor = positiveNumberMember(scaling, "factor", 1.0, scalingWhere);
        if (c.ropeScaling.type == "llama3") {
            c.ropeScaling.lowFrequencyFactor = positiveNumberMember(scaling, "low_freq_factor", 1.0, scalingWhere);
            c.ropeScaling.highFrequencyFactor = positiveNumberMember(scaling, "high_freq_factor", 4.0, scalingWhere);
            c.ropeScaling.originalMaxPositions =
                member(scaling, "original_max_position_embeddings").is_null()
                    ? 8192
                    : configSize(scaling, "original_max_position_embeddings", scalingWhere);
            if (c.ropeScaling.lowFrequencyFactor >= c.ropeScaling.highFrequencyFactor)
                throw EngineError(scalingWhere + ": low_freq_factor must be below high_freq_factor");
        } else if (c.ropeScaling.type == "default") {
            c.ropeScaling.type.clear();
        } else if (c.ropeScaling.type != "linear") {
            throw EngineError(where + ": rope_scaling of type \"" + c.ropeScaling.type +
                              "\" is not supported (supported: linear, llama3)");
        }
    }
    c.tieWordEmbeddings = flagMember(config, "tie_word_embeddings", false, where);
    c.attentionBias = c.family == ModelFamily::Qwen2 ? true : flagMember(config, "attention_bias", false, where);
    c.mlpBias = flagMember(config, "mlp_bias", false, where);
    const json &slidingWindow = member(config, "sliding_window");
    if (slidingWindow.is_number_integer() &&
        flagMember(config, "use_sliding_window", c.family == ModelFamily::Mistral, where))
        c.slidingWindow = configSize(config, "sliding_window", where);
    c.torchDtype = stringMember(config, "torch_dtype", c.torchDtype, where);
    if (member(config, "bos_token_id").is_number_integer())
        c.bosTokenId = member(config, "bos_token_id").get<std::int64_t>();
    c.eosTokenIds = idList(member(config, "eos_token_id"));
    if (member(config, "pad_token_id").is_number_integer())
        c.padTokenId = member(config, "pad_token_id").get<std::int64_t>();
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
    if (ropeScaling.type == "factors")
        throw EngineError("RoPE factors read from a GGUF file have no config.json form: train and save from the "
                          "model's Hugging Face folder instead");
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
