#include "engine/train/FastLayer.h"

#include "engine/train/FastKernels.h"

#include <torch/torch.h>

namespace mtm::engine {
namespace {

torch::Tensor adapterA(const Projection &projection)
{
    return projection.hasAdapter() ? projection.lora_A->weight : torch::Tensor();
}

torch::Tensor adapterB(const Projection &projection)
{
    return projection.hasAdapter() ? projection.lora_B->weight : torch::Tensor();
}

torch::Tensor project(Projection &projection, const torch::Tensor &x)
{
    const std::optional<torch::Tensor> bias =
        projection.bias.defined() ? std::optional<torch::Tensor>(projection.bias) : std::nullopt;
    return fast::loraLinear(x, projection.baseWeight(x.scalar_type()), bias, adapterA(projection), adapterB(projection),
                            projection.adapterScaling());
}

} // namespace

torch::Tensor fastDecoderLayer(DecoderLayer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                               const torch::Tensor &sin, const torch::Tensor &mask)
{
    Attention &attention = *layer.self_attn;
    const std::int64_t batch = x.size(0), time = x.size(1);
    const std::int64_t headDim = cos.size(-1);
    const std::int64_t heads = attention.q_proj->outFeatures / headDim, kvHeads = attention.k_proj->outFeatures / headDim;

    const torch::Tensor h = fast::rmsNorm(x, layer.input_layernorm->weight, layer.input_layernorm->eps);
    const torch::Tensor q = fast::rope(project(*attention.q_proj, h).view({batch, time, heads, headDim}).transpose(1, 2), cos, sin);
    const torch::Tensor k =
        fast::rope(project(*attention.k_proj, h).view({batch, time, kvHeads, headDim}).transpose(1, 2), cos, sin);
    const torch::Tensor v = project(*attention.v_proj, h).view({batch, time, kvHeads, headDim}).transpose(1, 2);
    const torch::Tensor attended = engine::attention(q, k, v, mask).transpose(1, 2).reshape({batch, time, heads * headDim});
    const torch::Tensor afterAttention = x + project(*attention.o_proj, attended);

    Mlp &mlp = *layer.mlp;
    const torch::Tensor h2 =
        fast::rmsNorm(afterAttention, layer.post_attention_layernorm->weight, layer.post_attention_layernorm->eps);
    fast::MlpWeights weights;
    const torch::Dtype dtype = x.scalar_type();
    weights.gate = mlp.gate_proj->baseWeight(dtype);
    weights.up = mlp.up_proj->baseWeight(dtype);
    weights.down = mlp.down_proj->baseWeight(dtype);
    weights.gateA = adapterA(*mlp.gate_proj);
    weights.gateB = adapterB(*mlp.gate_proj);
    weights.upA = adapterA(*mlp.up_proj);
    weights.upB = adapterB(*mlp.up_proj);
    weights.downA = adapterA(*mlp.down_proj);
    weights.downB = adapterB(*mlp.down_proj);
    weights.scaling = mlp.gate_proj->hasAdapter() ? mlp.gate_proj->adapterScaling()
                                                  : (mlp.up_proj->hasAdapter() ? mlp.up_proj->adapterScaling()
                                                                               : mlp.down_proj->adapterScaling());
    return afterAttention + fast::loraMlp(h2, weights);
}

} // namespace mtm::engine
