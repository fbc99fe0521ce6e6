// The decoder-only transformer of the Llama, Mistral and Qwen2 families in LibTorch: RMSNorm, rotary position
// embeddings (rope_theta, linear and llama3 scaling), grouped-query attention, SwiGLU MLP, optional tied
// embeddings. Parameter names follow transformers ("model.layers.0.self_attn.q_proj.weight"), so checkpoints
// load and save by name.
#pragma once

#include "engine/LiveObjects.h"
#include "engine/model/KvCache.h"
#include "engine/model/ModelConfig.h"
#include "engine/quant/Nf4.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <optional>
#include <vector>

namespace mtm::engine {

// A module holding one matrix as its "weight" parameter (LoRA's lora_A and lora_B).
class WeightMatrix : public torch::nn::Module
{
public:
    WeightMatrix(std::int64_t rows, std::int64_t columns);
    torch::Tensor weight;
};

// y = x Wᵀ + b, with W stored as [out, in] like torch.nn.Linear. For fine-tuning W can be kept in NF4 (QLoRA)
// and a low-rank adapter added beside it (LoRA): y = x Wᵀ + b + scaling · (dropout(x) Aᵀ) Bᵀ.
class Projection : public torch::nn::Module
{
public:
    Projection(std::int64_t in, std::int64_t out, bool bias);
    torch::Tensor forward(const torch::Tensor &x);

    // W in dtype: the dense weight, or the NF4 weight dequantized.
    torch::Tensor baseWeight(torch::Dtype dtype) const;
    // Replaces the dense weight by its NF4 form (the parameter is emptied).
    void quantizeToNf4();
    bool isQuantized() const { return m_quantized != nullptr; }
    const Nf4Tensor *quantized() const { return m_quantized.get(); }

    // Adds lora_A [rank, in] and lora_B [out, rank], float32, zero (attachLora draws lora_A's start values).
    void attachAdapter(std::int64_t rank, double scaling, double dropout, std::shared_ptr<at::Generator> dropoutSource);
    bool hasAdapter() const { return lora_A != nullptr; }
    double adapterScaling() const { return m_scaling; }
    double adapterDropout() const { return m_dropout; }
    // The dropout mask for x (already scaled by 1/(1 - p)), drawn from the adapter's generator.
    torch::Tensor dropoutMask(const torch::Tensor &x) const;

    torch::Tensor weight;
    torch::Tensor bias; // undefined when there is none
    std::shared_ptr<WeightMatrix> lora_A, lora_B;
    std::int64_t inFeatures, outFeatures;

private:
    std::shared_ptr<Nf4Tensor> m_quantized;
    double m_scaling = 0;
    double m_dropout = 0;
    std::shared_ptr<at::Generator> m_dropoutSource;
};

class Embedding : public torch::nn::Module
{
public:
    Embedding(std::int64_t count, std::int64_t size);
    torch::Tensor forward(const torch::Tensor &ids) const;

    torch::Tensor weight; // [count, size]
};

class RmsNorm : public torch::nn::Module
{
public:
    RmsNorm(std::int64_t size, double eps);
    torch::Tensor forward(const torch::Tensor &x) const;

    torch::Tensor weight;
    double eps;
};

class Attention : public torch::nn::Module
{
public:
    explicit Attention(const ModelConfig &config);
    // cos/sin: [batch, 1, time, head dim]; mask: bool [batch or 1, 1, time, keys] (true = attend) or undefined
    // for plain causal attention without a cache.
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &mask, KvCache *cache, std::size_t layer);

    std::shared_ptr<Projection> q_proj, k_proj, v_proj, o_proj;

private:
    std::int64_t m_heads, m_kvHeads, m_headDim;
};

class Mlp : public torch::nn::Module
{
public:
    explicit Mlp(const ModelConfig &config);
    torch::Tensor forward(const torch::Tensor &x);

    std::shared_ptr<Projection> gate_proj, up_proj, down_proj;
};

class DecoderLayer : public torch::nn::Module
{
public:
    explicit DecoderLayer(const ModelConfig &config);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &mask, KvCache *cache, std::size_t layer);

    std::shared_ptr<RmsNorm> input_layernorm, post_attention_layernorm;
    std::shared_ptr<Attention> self_attn;
    std::shared_ptr<Mlp> mlp;
};

struct ForwardInputs
{
    explicit ForwardInputs(torch::Tensor tokenIds, KvCache *kvCache = nullptr)
        : ids(std::move(tokenIds))
        , cache(kvCache)
    {}

    torch::Tensor ids;           // [batch, time] int64
    KvCache *cache = nullptr;    // keys and values of earlier positions, extended by this call
    torch::Tensor positions;     // [batch, time] int64; default: after what the cache holds
    torch::Tensor attentionMask; // bool [batch, 1, time, keys], true = attend; default: causal (and sliding window)
};

// transformers' "model" submodule: embeddings, layers and the final norm.
class DecoderStack : public torch::nn::Module
{
public:
    explicit DecoderStack(const ModelConfig &config);

    std::shared_ptr<Embedding> embed_tokens;
    std::vector<std::shared_ptr<DecoderLayer>> layers;
    std::shared_ptr<RmsNorm> norm;
};

class Transformer : public torch::nn::Module
{
public:
    explicit Transformer(const ModelConfig &config);

    // Logits [batch, time, vocabulary] in the model's dtype.
    torch::Tensor forward(const ForwardInputs &inputs);
    // The rotary tables for positions [batch, time]: cos and sin, [batch, 1, time, head dim] in the model's dtype.
    std::pair<torch::Tensor, torch::Tensor> rotaryTables(const torch::Tensor &positions);
    // The mask forward() uses when none is given: undefined for plain causal attention without a cache.
    torch::Tensor defaultMask(std::int64_t time, std::int64_t past, torch::Device device) const;
    // The final hidden states [batch, time, hidden], before the output projection.
    torch::Tensor hiddenStates(const ForwardInputs &inputs);
    torch::Tensor logits(const torch::Tensor &hidden);

    const ModelConfig &config() const { return m_config; }
    torch::Tensor inverseFrequencies() const { return m_inverseFrequencies; }
    torch::Dtype dtype() const;
    torch::Device device() const;

    // Draws weights as transformers initialises them (normal with std 0.02, norms at one, biases at zero).
    void initializeRandomly(std::uint64_t seed);

    std::shared_ptr<DecoderStack> model;
    std::shared_ptr<Projection> lm_head; // null when tied to the embeddings

private:
    detail::LiveCounter m_live{detail::transformerCount()};
    ModelConfig m_config;
    torch::Tensor m_inverseFrequencies; // [head dim / 2], float32, moved to the device of the input
};

// softmax(q kᵀ / sqrt(d) + mask) v for q [batch, heads, time, d] and k, v [batch, kv heads, keys, d] (grouped-query
// attention repeats k and v); causal when the mask is undefined. The fused kernel with LibTorch 2, else eager
// with the softmax in float32.
torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                        const torch::Tensor &mask);

// The inverse frequencies of the rotary embedding, with rope scaling applied (float64 for reference use).
torch::Tensor ropeInverseFrequencies(const ModelConfig &config);
// HF's causal mask with an offset for cached positions (and a sliding window); bool [1, 1, time, past + time].
torch::Tensor causalMask(std::int64_t time, std::int64_t past, std::optional<std::int64_t> slidingWindow,
                         torch::Device device);

} // namespace mtm::engine
