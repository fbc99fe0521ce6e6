// The settings of a decoder-only model as config.json states them (LlamaForCausalLM, MistralForCausalLM,
// Qwen2ForCausalLM), checked for consistency, and written back the way transformers writes them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

enum class ModelFamily { Llama, Mistral, Qwen2 };

struct RopeScaling
{
    std::string type; // "" (none), "linear", "llama3", or "factors" (from a GGUF file's rope_freqs tensor)
    double factor = 1.0;
    double lowFrequencyFactor = 1.0;
    double highFrequencyFactor = 4.0;
    std::int64_t originalMaxPositions = 8192;
    std::vector<double> frequencyFactors; // "factors": each inverse frequency divided by its own, headDim / 2
};

struct ModelConfig
{
    ModelFamily family = ModelFamily::Llama;
    std::int64_t vocabSize = 0;
    std::int64_t hiddenSize = 0;
    std::int64_t intermediateSize = 0;
    std::int64_t layers = 0;
    std::int64_t heads = 0;
    std::int64_t kvHeads = 0;
    std::int64_t headDim = 0;
    std::int64_t maxPositions = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; // q, k, v (and o for Llama's attention_bias) carry biases; Qwen2: q, k, v only
    bool mlpBias = false;
    std::optional<std::int64_t> slidingWindow; // Mistral: keys further back than this are not attended to
    std::string torchDtype = "float32";        // as stored: "float32", "bfloat16", "float16"
    std::optional<std::int64_t> bosTokenId;
    std::vector<std::int64_t> eosTokenIds;
    std::optional<std::int64_t> padTokenId;

    static ModelConfig fromFile(const std::string &path); // throws EngineError naming file and field
    static ModelConfig fromJson(const nlohmann::json &json, const std::string &where);
    nlohmann::json toJson() const; // a config.json transformers loads

    std::string architecture() const; // "LlamaForCausalLM", ...
    std::string modelType() const;    // "llama", ...
    std::int64_t parameterCount() const;
};

// A size a model configuration gives (vocab_size, hidden_size, num_hidden_layers, ...): a positive integer no
// larger than any model has, else EngineError "<where>: "<key>" ..." saying what is wrong.
std::int64_t configSize(const nlohmann::json &config, const char *key, const std::string &where);

} // namespace mtm::engine
