#include "engine/model/GgufModel.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"
#include "engine/quant/GgmlQuant.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace mtm::engine {
std::string ggufArchitecture(ModelFamily family)
{
    return family == ModelFamily::Qwen2 ? "qwen2" : "llama";
}

const std::vector<std::pair<std::string, std::string>> &ggufLayerTensors()
{
    static const std::vector<std::pair<std::string, std::string>> names = {
        {"input_layernorm.weight", "attn_norm.weight"},
        {"self_attn.q_proj.weight", "attn_q.weight"},
        {"self_attn.k_proj.weight", "attn_k.weight"},
        {"self_attn.v_proj.weight", "attn_v.weight"},
        {"self_attn.q_proj.bias", "attn_q.bias"},
        {"self_attn.k_proj.bias", "attn_k.bias"},
        {"self_attn.v_proj.bias", "attn_v.bias"},
        {"self_attn.o_proj.weight", "attn_output.weight"},
        {"post_attention_layernorm.weight", "ffn_norm.weight"},
        {"mlp.gate_proj.weight", "ffn_gate.weight"},
        {"mlp.up_proj.weight", "ffn_up.weight"},
        {"mlp.down_proj.weight", "ffn_down.weight"},
    };
    return names;
}

std::optional<std::string> ggufTensorName(const std::string &hfName)
{
    if (hfName == "model.embed_tokens.weight")
        return std::string("token_embd.weight");
    if (hfName == "model.norm.weight")
        return std::string("output_norm.weight");
    if (hfName == "lm_head.weight")
        return std::string("output.weight");
    const std::string prefix = "model.layers.";
    if (hfName.rfind(prefix, 0) != 0)
        return std::nullopt;
    const auto dot = hfName.find('.', prefix.size());
    if (dot == std::string::npos)
        return std::nullopt;
    const std::string suffix = hfName.substr(dot + 1);
    for (const auto &[hf, gguf] : ggufLayerTensors()) {
        if (hf == suffix)
            return "blk." + hfName.substr(prefix.size(), dot - prefix.size()) + "." + gguf;
    }
    return std::nullopt;
}

std::int64_t ggufRopeHeads(const ModelConfig &config, const std::string &ggufName)
{
    if (config.family == ModelFamily::Qwen2)
        return 0;
    if (ggufName.find(".attn_q.") != std::string::npos)
        return config.heads;
    if (ggufName.find(".attn_k.") != std::string::npos)
        return config.kvHeads;
    return 0;
}

torch::Tensor permuteForGgufRope(const torch::Tensor &weight, std::int64_t heads, bool toGguf)
{
    const auto shape = weight.sizes().vec();
    std::vector<std::int64_t> split = {heads, 2, shape[0] / heads / 2};
    if (!toGguf)
        std::swap(split[1], split[2]);
    split.insert(split.end(), shape.begin() + 1, shape.end());
    return weight.reshape(split).transpose(1, 2).reshape(shape);
}

ModelConfig modelConfigFromGguf(const GgufFile &file)
{
    const std::string arch = file.string("general.architecture");
    if (arch != ggufArchitecture(ModelFamily::Llama) && arch != ggufArchitecture(ModelFamily::Qwen2))
        throw EngineError(file.path() + ": the architecture \"" + arch +
                          "\" is not supported (supported: llama, which Mistral uses too, and qwen2)");
    const auto positive = [&](const std::string &key) {
        const std::int64_t value = file.integer(key);
        if (value <= 0 || value > (std::int64_t(1) << 24))
            throw EngineError(file.path() + ": " + key + " is " + std::to_string(value));
        return value;
    };
    ModelConfig c;
    c.family = arch == ggufArchitecture(ModelFamily::Qwen2) ? ModelFamily::Qwen2 : ModelFamily::Llama;
    c.hiddenSize = positive(arch + ".embedding_length");
    c.layers = positive(arch + ".block_count");
    c.intermediateSize = positive(arch + ".feed_forward_length");
    c.heads = positive(arch + ".attention.head_count");
    c.kvHeads = file.find(arch + ".attention.head_count_kv") ? positive(arch + ".attention.head_count_kv") : c.heads;
    c.headDim =
        file.find(arch + ".attention.key_length") ? positive(arch + ".attention.key_length") : c.hiddenSize / c.heads;
    c.maxPositions = positive(arch + ".context_length");
    c.rmsNormEps = file.real(arch + ".attention.layer_norm_rms_epsilon");
    if (file.find(arch + ".rope.freq_base"))
        c.ropeTheta = file.real(arch + ".rope.freq_base");
    if (file.find(arch + ".rope.scaling.type")) {
        const std::string scaling = file.string(arch + ".rope.scaling.type");
        if (scaling != "linear" && scaling != "none")
            throw EngineError(file.path() + ": RoPE scaling \"" + scaling + "\" is not supported (linear is)");
        if (scaling == "linear") {
            c.ropeScaling.type = "linear";
            c.ropeScaling.factor = file.real(arch + ".rope.scaling.factor");
        }
    }
    bool hasOutput = false;
    for (const GgufTensorInfo &tensor : file.tensors()) {
        if (tensor.name == "token_embd.weight" && tensor.dims.size() == 2)
            c.vocabSize = std::int64_t(tensor.dims[1]);
        hasOutput = hasOutput || tensor.name == "output.weight";
        if (tensor.name == "rope_freqs.weight") { // Llama 3.1 style scaling: a factor per frequency
            if (tensor.type != std::uint32_t(GgmlType::F32) ||
                tensor.dims != std::vector<std::uint64_t>{std::uint64_t(c.headDim / 2)})
                throw EngineError(file.path() + ": rope_freqs.weight is not " + std::to_string(c.headDim / 2) +
                                  " float32 values (one per RoPE frequency)");
            std::vector<float> factors(std::size_t(c.headDim / 2));
            std::memcpy(factors.data(), file.tensorData(tensor), factors.size() * sizeof(float));
            c.ropeScaling.type = "factors";
            c.ropeScaling.frequencyFactors.assign(factors.begin(), factors.end());
            for (const double factor : c.ropeScaling.frequencyFactors)
                if (!(factor > 0) || !std::isfinite(factor))
                    throw EngineError(file.path() + ": rope_freqs.weight holds " + std::to_string(factor) +
                                      ", not a positive factor");
        }
    }
    if (c.vocabSize <= 0)
        throw EngineError(file.path() + " has no token_embd.weight of two dimensions");
    // The settings against the file's own tensors before any memory is taken for the model.
    const std::string lastLayer = "blk." + std::to_string(c.layers - 1) + ".ffn_down.weight";
    const auto found = std::find_if(file.tensors().begin(), file.tensors().end(),
                                    [&](const GgufTensorInfo &tensor) { return tensor.name == lastLayer; });
    if (found == file.tensors().end() ||
        found->dims != std::vector<std::uint64_t>{std::uint64_t(c.intermediateSize), std::uint64_t(c.hiddenSize)})
        throw EngineError(file.path() + ": its settings (" + std::to_string(c.layers) + " layers, hidden size " +
                          std::to_string(c.hiddenSize) + ", feed-forward size " + std::to_string(c.intermediateSize) +
                          ") do not match its tensors (" + lastLayer + ")");
    c.tieWordEmbeddings = !hasOutput;
    c.attentionBias = c.family == ModelFamily::Qwen2;
    return c;
}

std::shared_ptr<Transformer> loadTransformerFromGguf(const GgufFile &file, torch::Dtype dtype, torch::Device device)
{
    const ModelConfig config = modelConfigFromGguf(file);
    std::map<std::string, const GgufTensorInfo *> tensors;
    for (const GgufTensorInfo &tensor : file.tensors())
        tensors[tensor.name] = &tensor;
    auto model = std::make_shared<Transformer>(config);
    model->to(dtype);
    torch::NoGradGuard noGrad;
    for (auto &parameter : model->named_parameters()) {
        const std::optional<std::string> name = ggufTensorName(parameter.key());
        const auto found = name ? tensors.find(*name) : tensors.end();
        if (found == tensors.end())
            throw EngineError(file.path() + " has no tensor '" + name.value_or(parameter.key()) + "' for " +
                              parameter.key());
        const GgufTensorInfo &tensor = *found->second;
        std::vector<std::int64_t> shape(tensor.dims.rbegin(), tensor.dims.rend());
        if (c10::IntArrayRef(shape) != parameter.value().sizes())
            throw EngineError(file.path() + ": tensor '" + tensor.name + "' has the shape " +
                              c10::str(c10::IntArrayRef(shape)) + " but the model's settings imply " +
                              c10::str(parameter.value().sizes()));
        const std::optional<GgmlType> type = ggmlTypeOf(tensor.type);
        if (!type)
            throw EngineError(file.path() + ": tensor '" + tensor.name + "' is stored as ggml type " +
                              std::to_string(tensor.type) +
                              ", which this app cannot read yet (F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K "
                              "and Q6_K it can)");
        torch::Tensor values = torch::empty(shape, torch::kFloat32);
        dequantizeValues(file.tensorData(tensor), std::size_t(values.numel()), *type, values.data_ptr<float>());
        if (const std::int64_t heads = ggufRopeHeads(config, tensor.name))
            values = permuteForGgufRope(values, heads, false);
        parameter.value().copy_(values.to(dtype));
    }
    model->to(device);
    return model;
}

} // namespace mtm::engine
