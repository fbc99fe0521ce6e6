#include "engine/model/Transformer.h"

#include "engine/EngineError.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>

namespace mtm::engine {
namespace {

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const std::int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

} // namespace

WeightMatrix::WeightMatrix(std::int64_t rows, std::int64_t columns)
{
    weight = register_parameter("weight", torch::zeros({rows, columns}));
}

Projection::Projection(std::int64_t in, std::int64_t out, bool withBias)
    : inFeatures(in)
    , outFeatures(out)
{
    weight = register_parameter("weight", torch::empty({out, in}));
    if (withBias)
        bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor Projection::baseWeight(torch::Dtype dtype) const
{
    return m_quantized ? dequantizeNf4(*m_quantized, dtype) : weight.to(dtype);
}

void Projection::quantizeToNf4()
{
    torch::NoGradGuard noGrad;
    m_quantized = std::make_shared<Nf4Tensor>(quantizeNf4(weight));
    weight.set_data(torch::empty({0}, weight.options()));
    weight.set_requires_grad(false);
}

void Projection::attachAdapter(std::int64_t rank, double scaling, double dropout,
                               std::shared_ptr<at::Generator> dropoutSource)
{
    const torch::Device device = weight.device();
    lora_A = register_module("lora_A", std::make_shared<WeightMatrix>(rank, inFeatures));
    lora_B = register_module("lora_B", std::make_shared<WeightMatrix>(outFeatures, rank));
    lora_A->to(device, torch::kFloat32);
    lora_B->to(device, torch::kFloat32);
    m_scaling = scaling;
    m_dropout = dropout;
    m_dropoutSource = std::move(dropoutSource);
}

torch::Tensor Projection::dropoutMask(const torch::Tensor &x) const
{
    const c10::optional<at::Generator> source =
        m_dropoutSource ? c10::optional<at::Generator>(*m_dropoutSource) : c10::nullopt;
    const torch::Tensor keep = torch::empty(x.sizes(), x.options().dtype(torch::kFloat32)).bernoulli_(1.0 - m_dropout, source);
    return (keep / (1.0 - m_dropout)).to(x.scalar_type());
}

torch::Tensor Projection::forward(const torch::Tensor &x)
{
    torch::Tensor y = torch::linear(x, m_quantized ? baseWeight(x.scalar_type()) : weight, bias);
    if (lora_A) {
        const torch::Tensor dropped = m_dropout > 0 && is_training() ? x * dropoutMask(x) : x;
        const torch::Tensor a = lora_A->weight.to(x.scalar_type()), b = lora_B->weight.to(x.scalar_type());
        y = y + torch::linear(torch::linear(dropped, a), b) * m_scaling;
    }
    return y;
}

Embedding::Embedding(std::int64_t count, std::int64_t size)
{
    weight = register_parameter("weight", torch::empty({count, size}));
}

torch::Tensor Embedding::forward(const torch::Tensor &ids) const
{
    return torch::embedding(weight, ids);
}

RmsNorm::RmsNorm(std::int64_t size, double epsilon)
    : eps(epsilon)
{
    weight = register_parameter("weight", torch::ones({size}));
}

torch::Tensor RmsNorm::forward(const torch::Tensor &x) const
{
    // As transformers does: normalise in (at least) float32, cast back, then scale.
    const torch::Tensor wide = x.scalar_type() == torch::kFloat64 ? x : x.to(torch::kFloat32);
    const torch::Tensor normalized = wide * torch::rsqrt(wide.pow(2).mean(-1, true) + eps);
    return weight * normalized.to(x.scalar_type());
}

Attention::Attention(const ModelConfig &config)
    : m_heads(config.heads)
    , m_kvHeads(config.kvHeads)
    , m_headDim(config.headDim)
{
    const bool qkvBias = config.attentionBias;
    const bool outputBias = config.attentionBias && config.family != ModelFamily::Qwen2;
    q_proj = register_module("q_proj", std::make_shared<Projection>(config.hiddenSize, m_heads * m_headDim, qkvBias));
    k_proj = register_module("k_proj", std::make_shared<Projection>(config.hiddenSize, m_kvHeads * m_headDim, qkvBias));
    v_proj = register_module("v_proj", std::make_shared<Projection>(config.hiddenSize, m_kvHeads * m_headDim, qkvBias));
    o_proj =
        register_module("o_proj", std::make_shared<Projection>(m_heads * m_headDim, config.hiddenSize, outputBias));
}

torch::Tensor Attention::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                 const torch::Tensor &mask, KvCache *cache, std::size_t layer)
{
    const std::int64_t batch = x.size(0), time = x.size(1);
    torch::Tensor q = q_proj->forward(x).view({batch, time, m_heads, m_headDim}).transpose(1, 2);
    torch::Tensor k = k_proj->forward(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
    torch::Tensor v = v_proj->forward(x).view({batch, time, m_kvHeads, m_headDim}).transpose(1, 2);
    q = q * cos + rotateHalf(q) * sin;
    k = k * cos + rotateHalf(k) * sin;
    if (cache)
        std::tie(k, v) = cache->append(layer, k, v);
    const torch::Tensor out = attention(q, k, v, mask);
    return o_proj->forward(out.transpose(1, 2).reshape({batch, time, m_heads * m_headDim}));
}

Mlp::Mlp(const ModelConfig &config)
{
    gate_proj = register_module(
        "gate_proj", std::make_shared<Projection>(config.hiddenSize, config.intermediateSize, config.mlpBias));
    up_proj = register_module("up_proj",
                              std::make_shared<Projection>(config.hiddenSize, config.intermediateSize, config.mlpBias));
    down_proj = register_module(
        "down_proj", std::make_shared<Projection>(config.intermediateSize, config.hiddenSize, config.mlpBias));
}

torch::Tensor Mlp::forward(const torch::Tensor &x)
{
    return down_proj->forward(torch::silu(gate_proj->forward(x)) * up_proj->forward(x));
}

DecoderLayer::DecoderLayer(const ModelConfig &config)
{
    input_layernorm =
        register_module("input_layernorm", std::make_shared<RmsNorm>(config.hiddenSize, config.rmsNormEps));
    self_attn = register_module("self_attn", std::make_shared<Attention>(config));
    post_attention_layernorm =
        register_module("post_attention_layernorm", std::make_shared<RmsNorm>(config.hiddenSize, config.rmsNormEps));
    mlp = register_module("mlp", std::make_shared<Mlp>(config));
}

torch::Tensor DecoderLayer::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                    const torch::Tensor &mask, KvCache *cache, std::size_t layer)
{
    const torch::Tensor h = x + self_attn->forward(input_layernorm->forward(x), cos, sin, mask, cache, layer);
    return h + mlp->forward(post_attention_layernorm->forward(h));
}

DecoderStack::DecoderStack(const ModelConfig &config)
{
    embed_tokens = register_module("embed_tokens", std::make_shared<Embedding>(config.vocabSize, config.hiddenSize));
    auto list = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.layers; ++i) {
        layers.push_back(std::make_shared<DecoderLayer>(config));
        list->push_back(layers.back());
    }
    norm = register_module("norm", std::make_shared<RmsNorm>(config.hiddenSize, config.rmsNormEps));
}

torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v, const torch::Tensor &mask)
{
    const std::int64_t time = q.size(2);
    torch::Tensor keys = k, values = v;
    if (k.size(1) != q.size(1)) {
        keys = k.repeat_interleave(q.size(1) / k.size(1), 1);
        values = v.repeat_interleave(q.size(1) / k.size(1), 1);
    }
#if TORCH_VERSION_MAJOR >= 2
    if (mask.defined())
        return at::scaled_dot_product_attention(q, keys, values, mask);
    return at::scaled_dot_product_attention(q, keys, values, {}, 0.0, /*is_causal=*/time > 1);
#else
    torch::Tensor scores = torch::matmul(q, keys.transpose(-2, -1)) * (1.0 / std::sqrt(double(q.size(-1))));
    if (mask.defined())
        scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
    else if (time > 1)
        scores = scores.masked_fill(causalMask(time, 0, std::nullopt, q.device()).logical_not(),
                                    -std::numeric_limits<float>::infinity());
    // Softmax in (at least) float32, as transformers does.
    const torch::Dtype wide = q.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
    return torch::matmul(torch::softmax(scores.to(wide), -1).to(q.scalar_type()), values);
#endif
}

torch::Tensor ropeInverseFrequencies(const ModelConfig &config)
{
    const std::int64_t d = config.headDim;
    torch::Tensor exponents = torch::arange(0, d, 2, torch::kInt64).to(torch::kFloat64) / double(d);
    torch::Tensor inverse = 1.0 / torch::pow(config.ropeTheta, exponents);
    const RopeScaling &scaling = config.ropeScaling;
    if (scaling.type == "linear") {
        inverse = inverse / scaling.factor;
    } else if (scaling.type == "llama3") {
        // Long wavelengths are slowed by `factor`, short ones kept, the band between blended smoothly.
        const double lowWavelength = double(scaling.originalMaxPositions) / scaling.lowFrequencyFactor;
        const double highWavelength = double(scaling.originalMaxPositions) / scaling.highFrequencyFactor;
        const torch::Tensor wavelength = 2 * M_PI / inverse;
        torch::Tensor scaled = torch::where(wavelength > lowWavelength, inverse / scaling.factor, inverse);
        const torch::Tensor smooth = (double(scaling.originalMaxPositions) / wavelength - scaling.lowFrequencyFactor) /
                                     (scaling.highFrequencyFactor - scaling.lowFrequencyFactor);
        const torch::Tensor smoothed = (1 - smooth) * scaled / scaling.factor + smooth * scaled;
        const torch::Tensor medium = (wavelength >= highWavelength).logical_and(wavelength <= lowWavelength);
        inverse = torch::where(medium, smoothed, scaled);
    } else if (scaling.type == "factors") {
        inverse = inverse / torch::tensor(scaling.frequencyFactors, torch::kFloat64);
    }
    return inverse;
}

torch::Tensor causalMask(std::int64_t time, std::int64_t past, std::optional<std::int64_t> slidingWindow,
                         torch::Device device)
{
    const auto options = torch::TensorOptions().dtype(torch::kInt64).device(device);
    const torch::Tensor query = torch::arange(past, past + time, options).unsqueeze(1);
    const torch::Tensor key = torch::arange(0, past + time, options).unsqueeze(0);
    torch::Tensor mask = key <= query;
    if (slidingWindow)
        mask = mask.logical_and(query - key < *slidingWindow);
    return mask.view({1, 1, time, past + time});
}

Transformer::Transformer(const ModelConfig &config)
    : m_config(config)
{
    model = register_module("model", std::make_shared<DecoderStack>(config));
    if (!config.tieWordEmbeddings)
        lm_head = register_module("lm_head", std::make_shared<Projection>(config.hiddenSize, config.vocabSize, false));
    // Kept out of the registered buffers so that converting the model to bf16 leaves it in float32.
    m_inverseFrequencies = ropeInverseFrequencies(config).to(torch::kFloat32);
}

torch::Dtype Transformer::dtype() const
{
    return model->embed_tokens->weight.scalar_type();
}

torch::Device Transformer::device() const
{
    return model->embed_tokens->weight.device();
}

torch::Tensor Transformer::hiddenStates(const ForwardInputs &inputs)
{
    const torch::Tensor &ids = inputs.ids;
    if (ids.dim() != 2)
        throw EngineError("The model expects token ids shaped [batch, time]");
    const std::int64_t batch = ids.size(0), time = ids.size(1);
    const std::int64_t past = inputs.cache ? inputs.cache->length() : 0;
    torch::Tensor positions = inputs.positions;
    if (!positions.defined())
        positions =
            torch::arange(past, past + time, ids.options().dtype(torch::kInt64)).unsqueeze(0).expand({batch, time});

    const auto [cos, sin] = rotaryTables(positions);
    torch::Tensor mask = inputs.attentionMask.defined() ? inputs.attentionMask : defaultMask(time, past, ids.device());

    torch::Tensor x = model->embed_tokens->forward(ids);
    for (std::size_t i = 0; i < model->layers.size(); ++i)
        x = model->layers[i]->forward(x, cos, sin, mask, inputs.cache, i);
    if (inputs.cache)
        inputs.cache->advance(time);
    return model->norm->forward(x);
}

std::pair<torch::Tensor, torch::Tensor> Transformer::rotaryTables(const torch::Tensor &positions)
{
    // As transformers computes them: float32 angles (float64 for a float64 model), then cast to the model's dtype.
    const torch::Dtype angleType = dtype() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
    if (m_inverseFrequencies.device() != positions.device() || m_inverseFrequencies.scalar_type() != angleType)
        m_inverseFrequencies = ropeInverseFrequencies(m_config).to(positions.device(), angleType);
    const torch::Tensor angles = positions.to(angleType).unsqueeze(-1) * m_inverseFrequencies.view({1, 1, -1});
    const torch::Tensor table = torch::cat({angles, angles}, -1);
    return {table.cos().to(dtype()).unsqueeze(1), table.sin().to(dtype()).unsqueeze(1)};
}

torch::Tensor Transformer::defaultMask(std::int64_t time, std::int64_t past, torch::Device device) const
{
    // Plain causal attention needs none (the attention applies it), but cached positions and a sliding window
    // that cuts off keys do.
    const bool windowCuts = m_config.slidingWindow && past + time > *m_config.slidingWindow;
    if ((time > 1 && past > 0) || windowCuts)
        return causalMask(time, past, m_config.slidingWindow, device);
    return {};
}

torch::Tensor Transformer::logits(const torch::Tensor &hidden)
{
    return lm_head ? lm_head->forward(hidden) : torch::linear(hidden, model->embed_tokens->weight);
}

torch::Tensor Transformer::forward(const ForwardInputs &inputs)
{
    return logits(hiddenStates(inputs));
}

void Transformer::initializeRandomly(std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto &parameter : named_parameters()) {
        const std::string &name = parameter.key();
        torch::Tensor &value = parameter.value();
        torch::Tensor drawn;
        if (name.find("norm") != std::string::npos)
            drawn = torch::ones(value.sizes());
        else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)
            drawn = torch::zeros(value.sizes());
        else
            drawn = at::normal(0.0, 0.02, value.sizes(), generator);
        value.copy_(drawn);
    }
}

} // namespace mtm::engine
