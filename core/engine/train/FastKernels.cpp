#include "engine/train/FastKernels.h"

#include <torch/torch.h>

namespace mtm::engine::fast {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The dtype reductions are made in: float32, or float64 for float64 input.
torch::Dtype wideType(const torch::Tensor &x)
{
    return x.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
}

// Rows of a tensor with any leading dimensions: [..., n] -> [rows, n].
torch::Tensor rows(const torch::Tensor &x)
{
    return x.reshape({-1, x.size(-1)});
}

// The same, as a view (throws if it cannot be one), for writing into in place.
torch::Tensor rowsView(const torch::Tensor &x)
{
    return x.view({-1, x.size(-1)});
}

bool defined(const torch::Tensor &t)
{
    return t.defined() && t.numel() > 0;
}

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction>
{
public:
    // 1/rms is reduced in (at least) float32 straight from x; the rest stays in x's dtype, so that no float32
    // copy of the activations is made.
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &weight, double eps)
    {
        const torch::Tensor inverseRms = torch::rsqrt(torch::linalg_vector_norm(x, 2, {-1}, true, wideType(x))
                                                          .pow_(2)
                                                          .div_(double(x.size(-1)))
                                                          .add_(eps));
        ctx->save_for_backward({x, weight, inverseRms});
        return (x * inverseRms.to(x.scalar_type())).mul_(weight.to(x.scalar_type()));
    }

    // With n = x/rms and gn = g·w:  dx = (gn - n · mean(gn · n)) / rms = gn/rms - x · sum(gn · x)/(H · rms³).
    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &weight = saved[1], &inverseRms = saved[2];
        const torch::Dtype dtype = x.scalar_type();
        const torch::Tensor gn = gradients[0] * weight.to(dtype);
        const torch::Tensor dot = (gn * x).sum(-1, true, wideType(x));
        const torch::Tensor coefficient = dot.mul_(inverseRms.pow(3)).div_(double(x.size(-1)));
        const torch::Tensor gradX = (gn * inverseRms.to(dtype)).sub_(x * coefficient.to(dtype));
        torch::Tensor gradWeight;
        if (weight.requires_grad())
            gradWeight = rows(gradients[0] * x * inverseRms.to(dtype)).sum(0, false, wideType(x)).to(weight.scalar_type());
        return {gradX, gradWeight, torch::Tensor()};
    }
};

// y = x·cos + rotateHalf(x)·sin, written half by half into one new tensor.
class RopeFunction : public torch::autograd::Function<RopeFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &cos,
                                 const torch::Tensor &sin)
    {
        ctx->save_for_backward({cos, sin});
        const std::int64_t half = x.size(-1) / 2;
        torch::Tensor y = x * cos;
        y.narrow(-1, 0, half).addcmul_(x.narrow(-1, half, half), sin.narrow(-1, 0, half), -1);
        y.narrow(-1, half, half).addcmul_(x.narrow(-1, 0, half), sin.narrow(-1, half, half));
        return y;
    }

    // y1 = x1 c1 - x2 s1, y2 = x2 c2 + x1 s2  =>  dx1 = g1 c1 + g2 s2, dx2 = g2 c2 - g1 s1.
    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &cos = saved[0], &sin = saved[1], &g = gradients[0];
        const std::int64_t half = g.size(-1) / 2;
        torch::Tensor dx = g * cos;
        dx.narrow(-1, 0, half).addcmul_(g.narrow(-1, half, half), sin.narrow(-1, half, half));
        dx.narrow(-1, half, half).addcmul_(g.narrow(-1, 0, half), sin.narrow(-1, 0, half), -1);
        return {dx, torch::Tensor(), torch::Tensor()};
    }
};

// y = x Wᵀ (+ b) + s · (x Aᵀ) Bᵀ on rows, the adapter's product added into y by the matrix product itself
// (addmm), so that no pass over y is spent on scaling or adding.
torch::Tensor project(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias,
                      const torch::Tensor &a, const torch::Tensor &b, double scaling)
{
    const torch::Dtype dtype = x.scalar_type();
    torch::Tensor y = torch::linear(x, weight.to(dtype), bias.defined() ? bias.to(dtype) : bias);
    if (defined(a))
        rowsView(y).addmm_(torch::mm(rows(x), a.to(dtype).t()), b.to(dtype).t(), 1.0, scaling);
    return y;
}

// Adds the adapter's share of x's gradient into gradX (rows) and returns the adapter's gradients (float32 like
// A and B). y += s · (x Aᵀ) Bᵀ  =>  dx += s · (dy B) A,  dA = s · (dy B)ᵀ x,  dB = s · dyᵀ (x Aᵀ).
std::pair<torch::Tensor, torch::Tensor> adapterBackward(torch::Tensor gradX, const torch::Tensor &gradY,
                                                        const torch::Tensor &x, const torch::Tensor &a,
                                                        const torch::Tensor &b, double scaling)
{
    const torch::Tensor g = rows(gradY), input = rows(x);
    const torch::Tensor aT = a.to(g.scalar_type()), bT = b.to(g.scalar_type());
    const torch::Tensor gB = torch::mm(g, bT); // [rows, r]
    rowsView(gradX).addmm_(gB, aT, 1.0, scaling);
    const torch::Tensor gradA = (torch::mm(gB.t(), input) * scaling).to(a.scalar_type());
    const torch::Tensor gradB = (torch::mm(g.t(), torch::mm(input, aT.t())) * scaling).to(b.scalar_type());
    return {gradA, gradB};
}

class LoraLinearFunction : public torch::autograd::Function<LoraLinearFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &weight,
                                 const c10::optional<torch::Tensor> &bias, const torch::Tensor &a, const torch::Tensor &b,
                                 double scaling)
    {
        ctx->save_for_backward({x, weight, a, b});
        ctx->saved_data["scaling"] = scaling;
        ctx->saved_data["bias"] = bias.has_value() && bias->defined();
        return project(x, weight, bias.value_or(torch::Tensor()), a, b, scaling);
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &weight = saved[1], &a = saved[2], &b = saved[3];
        const double scaling = ctx->saved_data["scaling"].toDouble();
        const torch::Tensor &g = gradients[0];
        torch::Tensor gradX = torch::matmul(g, weight.to(g.scalar_type()));
        torch::Tensor gradA, gradB, gradBias;
        if (defined(a))
            std::tie(gradA, gradB) = adapterBackward(gradX, g, x, a, b, scaling);
        if (ctx->saved_data["bias"].toBool())
            gradBias = rows(g).sum(0);
        return {gradX.to(x.scalar_type()), torch::Tensor(), gradBias, gradA, gradB, torch::Tensor()};
    }
};

class LoraMlpFunction : public torch::autograd::Function<LoraMlpFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, torch::TensorList frozen,
                                 torch::TensorList adapters, double scaling)
    {
        const torch::Tensor gate = project(x, frozen[0], {}, adapters[0], adapters[1], scaling);
        const torch::Tensor up = project(x, frozen[1], {}, adapters[2], adapters[3], scaling);
        const torch::Tensor product = torch::silu(gate) * up;
        const torch::Tensor y = project(product, frozen[2], {}, adapters[4], adapters[5], scaling);
        std::vector<torch::Tensor> keep = {x, gate, up};
        keep.insert(keep.end(), frozen.begin(), frozen.end());
        keep.insert(keep.end(), adapters.begin(), adapters.end());
        ctx->save_for_backward(keep);
        ctx->saved_data["scaling"] = scaling;
        return y;
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &gate = saved[1], &up = saved[2];
        const torch::Tensor &gateW = saved[3], &upW = saved[4], &downW = saved[5];
        const torch::Tensor adapter[6] = {saved[6], saved[7], saved[8], saved[9], saved[10], saved[11]};
        const double scaling = ctx->saved_data["scaling"].toDouble();
        const torch::Tensor &gy = gradients[0];

        // Recompute what the forward pass let go of.
        const torch::Tensor sigmoid = torch::sigmoid(gate);
        const torch::Tensor silu = gate * sigmoid;

        torch::Tensor grads[6];
        torch::Tensor gradProduct = torch::matmul(gy, downW.to(gy.scalar_type()));
        if (defined(adapter[4]))
            std::tie(grads[4], grads[5]) = adapterBackward(gradProduct, gy, silu * up, adapter[4], adapter[5], scaling);
        const torch::Tensor gradUp = gradProduct * silu;
        // silu'(g) = σ(g) (1 + g (1 - σ(g))) = σ(g) + silu(g) (1 - σ(g)); computed in place where nothing else
        // needs the values any more.
        const torch::Tensor derivative = torch::rsub(sigmoid, 1.0).mul_(silu).add_(sigmoid);
        const torch::Tensor gradGate = gradProduct.mul_(up).mul_(derivative);
        torch::Tensor gradX = torch::matmul(gradGate, gateW.to(gy.scalar_type()));
        rowsView(gradX).addmm_(rows(gradUp), upW.to(gy.scalar_type()));
        for (const auto &[index, gradient] : {std::pair<int, const torch::Tensor *>{0, &gradGate}, {2, &gradUp}}) {
            if (defined(adapter[index]))
                std::tie(grads[index], grads[index + 1]) =
                    adapterBackward(gradX, *gradient, x, adapter[index], adapter[index + 1], scaling);
        }
        variable_list result = {gradX.to(x.scalar_type()), torch::Tensor(), torch::Tensor(), torch::Tensor()};
        for (const torch::Tensor &gradient : grads)
            result.push_back(gradient);
        result.push_back(torch::Tensor());
        return result;
    }
};

// The loss and, when a gradient is wanted, the gradients too — computed in the forward pass, chunk by chunk, over
// the rows that have a target only (prompt and padding positions never reach the output projection). The
// backward pass then only scales what was computed: the logits are made once, not twice.
class ChunkedCrossEntropyFunction : public torch::autograd::Function<ChunkedCrossEntropyFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &hidden, const torch::Tensor &weight,
                                 const torch::Tensor &targets, std::int64_t chunkRows)
    {
        const torch::Dtype wide = hidden.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
        const bool wantHidden = hidden.requires_grad(), wantWeight = weight.requires_grad();
        const torch::Tensor chosen = targets.ne(-100).nonzero().squeeze(1);
        const torch::Tensor h = hidden.index_select(0, chosen), t = targets.index_select(0, chosen);
        const torch::Tensor w = weight.to(hidden.scalar_type());
        torch::Tensor total = torch::zeros({}, hidden.options().dtype(wide));
        torch::Tensor gradChosen = wantHidden ? torch::empty_like(h) : torch::Tensor();
        torch::Tensor gradWeight = wantWeight ? torch::zeros(weight.sizes(), weight.options().dtype(wide)) : torch::Tensor();
        for (std::int64_t start = 0; start < h.size(0); start += chunkRows) {
            const std::int64_t count = std::min(chunkRows, h.size(0) - start);
            const torch::Tensor hc = h.narrow(0, start, count), target = t.narrow(0, start, count).unsqueeze(1);
            torch::Tensor logits = torch::mm(hc, w.t()).to(wide); // [count, vocabulary]
            const torch::Tensor picked = logits.gather(1, target);
            const torch::Tensor maximum = std::get<0>(logits.max(1, true));
            const torch::Tensor sum = logits.sub_(maximum).exp_().sum(1, true); // logits now hold exp(l - max)
            total = total + (sum.log() + maximum - picked).sum();
            if (!wantHidden && !wantWeight)
                continue;
            // d/dlogits = softmax - one-hot
            torch::Tensor gradLogits = logits.div_(sum);
            gradLogits.scatter_add_(1, target, torch::full({count, 1}, -1.0, gradLogits.options()));
            const torch::Tensor narrow = gradLogits.to(hidden.scalar_type());
            if (wantHidden)
                gradChosen.narrow(0, start, count).copy_(torch::mm(narrow, w));
            if (wantWeight)
                gradWeight.add_(torch::mm(narrow.t(), hc));
        }
        torch::Tensor gradHidden;
        if (wantHidden)
            gradHidden = torch::zeros_like(hidden).index_copy_(0, chosen, gradChosen);
        if (wantWeight)
            gradWeight = gradWeight.to(weight.scalar_type());
        ctx->save_for_backward({gradHidden, gradWeight});
        return total;
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &scale = gradients[0];
        torch::Tensor gradHidden = saved[0].defined() ? saved[0] * scale.to(saved[0].scalar_type()) : torch::Tensor();
        torch::Tensor gradWeight = saved[1].defined() ? saved[1] * scale.to(saved[1].scalar_type()) : torch::Tensor();
        return {gradHidden, gradWeight, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight, double eps)
{
    return RmsNormFunction::apply(x, weight, eps);
}

torch::Tensor rope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    return RopeFunction::apply(x, cos, sin);
}

torch::Tensor loraLinear(const torch::Tensor &x, const torch::Tensor &weight, const std::optional<torch::Tensor> &bias,
                         const torch::Tensor &a, const torch::Tensor &b, double scaling)
{
    const c10::optional<torch::Tensor> biasArgument =
        bias && bias->defined() ? c10::optional<torch::Tensor>(*bias) : c10::nullopt;
    const torch::Tensor noAdapter = torch::empty({0}, x.options());
    return LoraLinearFunction::apply(x, weight, biasArgument, a.defined() ? a : noAdapter, b.defined() ? b : noAdapter,
                                     scaling);
}

torch::Tensor loraMlp(const torch::Tensor &x, const MlpWeights &weights)
{
    const torch::Tensor none = torch::empty({0}, x.options());
    auto orNone = [&](const torch::Tensor &t) { return t.defined() ? t : none; };
    const std::vector<torch::Tensor> frozen = {weights.gate, weights.up, weights.down};
    const std::vector<torch::Tensor> adapters = {orNone(weights.gateA), orNone(weights.gateB), orNone(weights.upA),
                                                 orNone(weights.upB),   orNone(weights.downA), orNone(weights.downB)};
    return LoraMlpFunction::apply(x, torch::TensorList(frozen), torch::TensorList(adapters), weights.scaling);
}

torch::Tensor chunkedCrossEntropy(const torch::Tensor &hidden, const torch::Tensor &weight, const torch::Tensor &targets,
                                  std::int64_t chunkRows)
{
    return ChunkedCrossEntropyFunction::apply(hidden, weight, targets, chunkRows);
}

} // namespace mtm::engine::fast
