// The BERT family's encoder (BertModel: MiniLM, bge, e5 and the other sentence-transformers models built on it),
// for embeddings: token, position and token-type embeddings, then layers of bidirectional attention and a GELU
// feed-forward block, each followed by LayerNorm over its residual sum. Inference only, in the dtype and on the
// device asked for (float64 for reference checks).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::engine {

struct BertConfig
{
    std::int64_t vocabSize = 0;
    std::int64_t hiddenSize = 0;
    std::int64_t layers = 0;
    std::int64_t heads = 0;
    std::int64_t intermediateSize = 0;
    std::int64_t maxPositions = 512;
    std::int64_t typeVocabSize = 2;
    double layerNormEps = 1e-12;
    std::string activation = "gelu"; // gelu (erf), gelu_new / gelu_pytorch_tanh (tanh approximation), relu

    // config.json of a "bert" model; throws EngineError naming the file and the field.
    static BertConfig fromFile(const std::string &path);
};

class BertEncoder
{
public:
    // Reads folder/config.json and folder/model.safetensors (tensor names with or without a "bert." prefix;
    // LayerNorm's gamma and beta under either name). Throws EngineError naming a missing or misshapen tensor.
    BertEncoder(const std::string &folder, torch::ScalarType dtype, torch::Device device);

    const BertConfig &config() const { return m_config; }

    // The last layer's hidden states [batch, length, hidden] (float32 for 16-bit weights) for ids [batch, length]
    // (int64) and mask [batch, length] (1 for a token, 0 for padding, which no token attends to).
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &mask) const;

private:
    struct Layer
    {
        torch::Tensor qkvWeight, qkvBias; // query, key and value stacked: one product for the three
        torch::Tensor attentionOutWeight, attentionOutBias, attentionNormWeight, attentionNormBias;
        torch::Tensor intermediateWeight, intermediateBias, outputWeight, outputBias, outputNormWeight, outputNormBias;
    };

    // On the CPU in bfloat16, the passes between the products are fused kernels (engine/embed/EncoderKernels.h),
    // which add the products' biases too; elsewhere LibTorch's operations.
    bool fusedKernels() const;
    torch::Tensor projected(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias) const;
    void softmaxInPlace(torch::Tensor &scores) const;
    // softmax(query · keyᵀ + padding) · value, heads apart ([batch, heads, length, head size]). The scores, the
    // largest tensor of a layer, are freed before the layer goes on, so that what it makes next reuses their memory
    // while it is in the CPU's caches (held to the end of the layer, they cost about a tenth of the speed).
    torch::Tensor attend(const torch::Tensor &query, const torch::Tensor &key, const torch::Tensor &value,
                         const torch::Tensor &padding) const;
    torch::Tensor activated(torch::Tensor product, const torch::Tensor &bias) const;
    // x = LayerNorm(x + product), with x16 its copy in the products' dtype.
    void addAndNormalize(torch::Tensor &x, torch::Tensor &x16, const torch::Tensor &product, const torch::Tensor &bias,
                         const torch::Tensor &weight, const torch::Tensor &shift) const;

    BertConfig m_config;
    torch::Tensor m_wordEmbeddings, m_positionEmbeddings, m_typeEmbeddings, m_embeddingNormWeight, m_embeddingNormBias;
    std::vector<Layer> m_layers;
    torch::ScalarType m_residualType; // the weights' dtype, or float32 for 16-bit weights
};

} // namespace mtm::engine
