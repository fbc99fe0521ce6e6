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

torch::Tensor segmentedAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                 const std::vector<std::vector<std::int64_t>> &segmentLengths,
                                 std::optional<std::int64_t> slidingWindow)
{
    const std::int64_t time = q.size(2);
    std::vector<torch::Tensor> rows;
    for (std::size_t r = 0; r < segmentLengths.size(); ++r) {
        std::vector<torch::Tensor> pieces;
        std::int64_t start = 0;
        const auto row = static_cast<std::int64_t>(r);
        for (const std::int64_t length : segmentLengths[r]) {
            const auto part = [&](const torch::Tensor &t) {
                return t.slice(0, row, row + 1).slice(2, start, start + length);
            };
            const torch::Tensor mask = slidingWindow && length > *slidingWindow
                                           ? causalMask(length, 0, slidingWindow, q.device())
                                           : torch::Tensor();
            pieces.push_back(attention(part(q), part(k), part(v), mask));
            start += length;
        }
        if (start < time)
            pieces.push_back(torch::zeros({1, q.size(1), time - start, q.size(3)}, q.options()));
        rows.push_back(pieces.size() == 1 ? pieces.front() : torch::cat(pieces, 2));
    }
    return rows.size() == 1 ? rows.front() : torch::cat(rows, 0);
}

torch::Tensor fastDecoderLayer(DecoderLayer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                               const torch::Tensor &sin, const torch::Tensor &mask,
                               const std::vector<std::vector<std::int64_t>> *segmentLengths,
                               std::optional<std::int64_t> slidingWindow)
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
    const bool segmented = segmentLengths && !segmentLengths->empty();
    const torch::Tensor attended = (segmented ? segmentedAttention(q, k, v, *segmentLengths, slidingWindow) : engine::attention(q, k, v, mask))
                                       .transpose(1, 2)
                                       .reshape({batch, time, heads * headDim});
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
