#include "engine/embed/BertEncoder.h"

#include "engine/EngineError.h"
#include "engine/embed/EncoderKernels.h"
#include "engine/io/Safetensors.h"
#include "engine/io/UntrustedJson.h"
#include "engine/model/ModelConfig.h"

#include <cmath>
#include <filesystem>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

// The weights of a BertModel as saved alone or inside a task model ("bert." before every name).
class BertWeights
{
public:
    BertWeights(const std::string &path, torch::ScalarType dtype, torch::Device device)
        : m_file(path)
        , m_dtype(dtype)
        , m_device(device)
    {
        m_prefix = m_file.find("embeddings.word_embeddings.weight") ? "" : "bert.";
    }

    torch::Tensor get(const std::string &name, const std::vector<std::int64_t> &shape) const
    {
        std::string stored = m_prefix + name;
        if (!m_file.find(stored)) { // LayerNorm's old names
            const auto replace = [&](const std::string &from, const std::string &to) {
                if (stored.size() > from.size() && stored.compare(stored.size() - from.size(), from.size(), from) == 0)
                    stored = stored.substr(0, stored.size() - from.size()) + to;
            };
            replace("LayerNorm.weight", "LayerNorm.gamma");
            replace("LayerNorm.bias", "LayerNorm.beta");
        }
        const SafetensorsEntry *entry = m_file.find(stored);
        if (!entry)
            throw EngineError(m_file.path() + " has no tensor '" + m_prefix + name + "'");
        if (entry->shape != shape) {
            std::string expected, found;
            for (const std::int64_t size : shape)
                expected += (expected.empty() ? "" : ", ") + std::to_string(size);
            for (const std::int64_t size : entry->shape)
                found += (found.empty() ? "" : ", ") + std::to_string(size);
            throw EngineError(m_file.path() + ": tensor '" + stored + "' has the shape [" + found +
                              "] but config.json implies [" + expected + "]");
        }
        return m_file.load(stored).to(m_device, m_dtype);
    }

private:
    SafetensorsFile m_file;
    torch::ScalarType m_dtype;
    torch::Device m_device;
    std::string m_prefix;
};

} // namespace

BertConfig BertConfig::fromFile(const std::string &path)
{
    const nlohmann::json config = readJsonFile(path);
    if (!config.is_object())
        throw EngineError(path + ": a model configuration must be a JSON object");
    const std::string type = stringMember(config, "model_type", "", path);
    if (type != "bert")
        throw EngineError(path + ": the model type \"" + type +
                          "\" is not an encoder this app runs (it runs BERT-family models: model_type \"bert\")");
    BertConfig c;
    c.vocabSize = configSize(config, "vocab_size", path);
    c.hiddenSize = configSize(config, "hidden_size", path);
    c.layers = configSize(config, "num_hidden_layers", path);
    c.heads = configSize(config, "num_attention_heads", path);
    c.intermediateSize = configSize(config, "intermediate_size", path);
    c.maxPositions = configSize(config, "max_position_embeddings", path);
    if (!member(config, "type_vocab_size").is_null())
        c.typeVocabSize = configSize(config, "type_vocab_size", path);
    c.layerNormEps = positiveNumberMember(config, "layer_norm_eps", 1e-12, path);
    c.activation = stringMember(config, "hidden_act", "gelu", path);
    if (c.activation != "gelu" && c.activation != "gelu_new" && c.activation != "gelu_pytorch_tanh" &&
        c.activation != "relu")
        throw EngineError(path + ": the activation \"" + c.activation +
                          "\" is not supported (gelu, gelu_new, gelu_pytorch_tanh or relu)");
    if (c.hiddenSize % c.heads != 0)
        throw EngineError(path + ": \"hidden_size\" " + std::to_string(c.hiddenSize) + " is not a multiple of " +
                          "\"num_attention_heads\" " + std::to_string(c.heads));
    const std::string positions = stringMember(config, "position_embedding_type", "absolute", path);
    if (positions != "absolute")
        throw EngineError(path + ": \"position_embedding_type\" \"" + positions + "\" is not supported (absolute)");
    return c;
}

BertEncoder::BertEncoder(const std::string &folder, torch::ScalarType dtype, torch::Device device)
    : m_config(BertConfig::fromFile((fs::path(folder) / "config.json").string()))
    , m_residualType(dtype == torch::kBFloat16 || dtype == torch::kHalf ? torch::kFloat32 : dtype)
{
    const std::string weightsPath = (fs::path(folder) / "model.safetensors").string();
    if (!fs::exists(weightsPath))
        throw EngineError(folder + " has no model.safetensors (this app reads BERT weights in safetensors only)");
    const BertWeights weights(weightsPath, dtype, device);
    const BertWeights norms(weightsPath, m_residualType, device);
    const std::int64_t h = m_config.hiddenSize, inner = m_config.intermediateSize;
    const double scoreScale = 1.0 / std::sqrt(double(h / m_config.heads));
    m_wordEmbeddings = weights.get("embeddings.word_embeddings.weight", {m_config.vocabSize, h});
    m_positionEmbeddings = weights.get("embeddings.position_embeddings.weight", {m_config.maxPositions, h});
    m_typeEmbeddings = weights.get("embeddings.token_type_embeddings.weight", {m_config.typeVocabSize, h});
    m_embeddingNormWeight = norms.get("embeddings.LayerNorm.weight", {h});
    m_embeddingNormBias = norms.get("embeddings.LayerNorm.bias", {h});
    for (std::int64_t i = 0; i < m_config.layers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        const auto attention = [&](const std::string &part, const std::vector<std::int64_t> &shape) {
            return weights.get(p + "attention.self." + part, shape);
        };
        // The query carries the scores' 1/√headSize, applied in the residual dtype before rounding to `dtype`.
        const auto query = [&](const std::string &part, const std::vector<std::int64_t> &shape) {
            return norms.get(p + "attention.self.query." + part, shape).mul(scoreScale).to(dtype);
        };
        Layer layer;
        layer.qkvWeight =
            torch::cat({query("weight", {h, h}), attention("key.weight", {h, h}), attention("value.weight", {h, h})});
        layer.qkvBias = torch::cat({query("bias", {h}), attention("key.bias", {h}), attention("value.bias", {h})});
        layer.attentionOutWeight = weights.get(p + "attention.output.dense.weight", {h, h});
        layer.attentionOutBias = weights.get(p + "attention.output.dense.bias", {h});
        layer.attentionNormWeight = norms.get(p + "attention.output.LayerNorm.weight", {h});
        layer.attentionNormBias = norms.get(p + "attention.output.LayerNorm.bias", {h});
        layer.intermediateWeight = weights.get(p + "intermediate.dense.weight", {inner, h});
        layer.intermediateBias = weights.get(p + "intermediate.dense.bias", {inner});
        layer.outputWeight = weights.get(p + "output.dense.weight", {h, inner});
        layer.outputBias = weights.get(p + "output.dense.bias", {h});
        layer.outputNormWeight = norms.get(p + "output.LayerNorm.weight", {h});
        layer.outputNormBias = norms.get(p + "output.LayerNorm.bias", {h});
        m_layers.push_back(std::move(layer));
    }
}

namespace {

std::uint16_t *bf16Data(const torch::Tensor &t)
{
    return reinterpret_cast<std::uint16_t *>(t.data_ptr());
}

} // namespace

bool BertEncoder::fusedKernels() const
{
    return m_wordEmbeddings.scalar_type() == torch::kBFloat16 && m_wordEmbeddings.device().is_cpu();
}

torch::Tensor BertEncoder::projected(const torch::Tensor &x, const torch::Tensor &weight,
                                     const torch::Tensor &bias) const
{
    // The fused kernels add the bias themselves, in the pass they make over the product anyway.
    return fusedKernels() ? torch::matmul(x, weight.t()) : torch::linear(x, weight, bias);
}

void BertEncoder::softmaxInPlace(torch::Tensor &scores) const
{
    if (fusedKernels())
        kernels::softmaxRows(bf16Data(scores), scores.numel() / scores.size(-1), scores.size(-1));
    else
        at::_softmax_out(scores, scores, -1, false);
}

torch::Tensor BertEncoder::attend(const torch::Tensor &query, const torch::Tensor &key, const torch::Tensor &value,
                                  const torch::Tensor &padding) const
{
    torch::Tensor scores = torch::matmul(query, key.transpose(-1, -2));
    if (padding.defined())
        scores.add_(padding);
    softmaxInPlace(scores);
    return torch::matmul(scores, value);
}

torch::Tensor BertEncoder::activated(torch::Tensor product, const torch::Tensor &bias) const
{
    if (fusedKernels() && m_config.activation == "gelu") {
        kernels::biasGeluRows(bf16Data(product), bf16Data(bias), product.numel() / product.size(-1), product.size(-1));
        return product;
    }
    if (fusedKernels())
        product.add_(bias);
    if (m_config.activation == "relu")
        return product.relu_();
    if (m_config.activation == "gelu")
        return torch::gelu_(product);
    return torch::gelu_(product, "tanh");
}

void BertEncoder::addAndNormalize(torch::Tensor &x, torch::Tensor &x16, const torch::Tensor &product,
                                  const torch::Tensor &bias, const torch::Tensor &weight,
                                  const torch::Tensor &shift) const
{
    if (fusedKernels()) {
        kernels::residualNormRows(x.data_ptr<float>(), bf16Data(product), bf16Data(bias), weight.data_ptr<float>(),
                                  shift.data_ptr<float>(), m_config.layerNormEps, bf16Data(x16), x.numel() / x.size(-1),
                                  x.size(-1));
        return;
    }
    x = torch::layer_norm(x.add_(product), {m_config.hiddenSize}, weight, shift, m_config.layerNormEps);
    x16 = x.to(x16.scalar_type());
}

torch::Tensor BertEncoder::forward(const torch::Tensor &ids, const torch::Tensor &mask) const
{
    torch::NoGradGuard noGrad;
    const std::int64_t batch = ids.size(0), length = ids.size(1);
    if (length > m_config.maxPositions)
        throw EngineError("A text of " + std::to_string(length) + " tokens is longer than the encoder's " +
                          std::to_string(m_config.maxPositions) + " positions");
    const torch::Device device = m_wordEmbeddings.device();
    const torch::ScalarType dtype = m_wordEmbeddings.scalar_type();
    const torch::Tensor tokens = ids.to(device, torch::kInt64);
    const torch::Tensor positions = torch::arange(length, torch::TensorOptions().dtype(torch::kInt64).device(device));
    // The residual stream x stays in float32 when the weights are 16-bit: LayerNorm is both more exact and, on the
    // CPU, several times faster there; only the matrix products run in 16 bits, on x16, x's copy in their dtype.
    torch::Tensor x = (torch::embedding(m_wordEmbeddings, tokens) + torch::embedding(m_positionEmbeddings, positions) +
                       m_typeEmbeddings[0])
                          .to(m_residualType);
    x = torch::layer_norm(x, {m_config.hiddenSize}, m_embeddingNormWeight, m_embeddingNormBias, m_config.layerNormEps);
    torch::Tensor x16 = x.to(dtype);

    const std::int64_t heads = m_config.heads, headSize = m_config.hiddenSize / heads;
    // Padding is attended to by no one: -inf added before the softmax (every text keeps at least [CLS]); a batch
    // without padding skips the addition.
    torch::Tensor padding;
    if (!mask.all().item<bool>())
        padding = torch::zeros({batch, 1, 1, length}, torch::TensorOptions().dtype(dtype).device(device))
                      .masked_fill((mask.to(device) == 0).view({batch, 1, 1, length}),
                                   -std::numeric_limits<double>::infinity());
    for (const Layer &layer : m_layers) {
        const std::vector<torch::Tensor> qkv = torch::linear(x16, layer.qkvWeight, layer.qkvBias)
                                                   .view({batch, length, 3, heads, headSize})
                                                   .permute({2, 0, 3, 1, 4})
                                                   .unbind(0);
        // Contiguous heads: batched products over strided views fall off the fast path (several times slower).
        const torch::Tensor query = qkv[0].contiguous(), key = qkv[1].contiguous(), value = qkv[2].contiguous();
        const torch::Tensor context =
            attend(query, key, value, padding).transpose(1, 2).reshape({batch, length, m_config.hiddenSize});
        addAndNormalize(x, x16, projected(context, layer.attentionOutWeight, layer.attentionOutBias),
                        layer.attentionOutBias, layer.attentionNormWeight, layer.attentionNormBias);
        const torch::Tensor inner =
            activated(projected(x16, layer.intermediateWeight, layer.intermediateBias), layer.intermediateBias);
        addAndNormalize(x, x16, projected(inner, layer.outputWeight, layer.outputBias), layer.outputBias,
                        layer.outputNormWeight, layer.outputNormBias);
    }
    return x;
}

} // namespace mtm::engine
