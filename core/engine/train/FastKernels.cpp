#include "engine/train/FastKernels.h"

#include <torch/torch.h>

namespace mtm::engine::fast {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const std::int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// The transpose of rotateHalf: (v1, v2) -> (v2, -v1).
torch::Tensor rotateHalfTransposed(const torch::Tensor &v)
{
    const std::int64_t half = v.size(-1) / 2;
    return torch::cat({v.narrow(-1, half, half), -v.narrow(-1, 0, half)}, -1);
}

// Rows of a tensor with any leading dimensions: [..., n] -> [rows, n].
torch::Tensor rows(const torch::Tensor &x)
{
    return x.reshape({-1, x.size(-1)});
}

bool defined(const torch::Tensor &t)
{
    return t.defined() && t.numel() > 0;
}

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &weight, double eps)
    {
        const torch::Tensor wide = x.scalar_type() == torch::kFloat64 ? x : x.to(torch::kFloat32);
        const torch::Tensor inverseRms = torch::rsqrt(wide.pow(2).mean(-1, true) + eps);
        ctx->save_for_backward({x, weight, inverseRms});
        return weight * (wide * inverseRms).to(x.scalar_type());
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &weight = saved[1], &inverseRms = saved[2];
        const torch::Dtype wideType = x.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
        const torch::Tensor normalized = x.to(wideType) * inverseRms;
        const torch::Tensor gradient = gradients[0].to(wideType);
        torch::Tensor gradWeight;
        if (weight.requires_grad())
            gradWeight = rows(gradient * normalized).sum(0).to(weight.scalar_type());
        const torch::Tensor gradNormalized = gradient * weight.to(wideType);
        const torch::Tensor gradX =
            inverseRms * (gradNormalized - normalized * (gradNormalized * normalized).mean(-1, true));
        return {gradX.to(x.scalar_type()), gradWeight, torch::Tensor()};
    }
};

class RopeFunction : public torch::autograd::Function<RopeFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &cos,
                                 const torch::Tensor &sin)
    {
        ctx->save_for_backward({cos, sin});
        return x * cos + rotateHalf(x) * sin;
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &g = gradients[0];
        return {g * saved[0] + rotateHalfTransposed(g * saved[1]), torch::Tensor(), torch::Tensor()};
    }
};

// The adapter's gradients and its contribution to x's gradient, for one projection.
struct AdapterBackward
{
    torch::Tensor gradX, gradA, gradB;
};

AdapterBackward adapterBackward(const torch::Tensor &gradY, const torch::Tensor &x, const torch::Tensor &a,
                                const torch::Tensor &b, double scaling)
{
    // y += s · (x Aᵀ) Bᵀ  =>  dB = s · dyᵀ (x Aᵀ), dA = s · (dy B)ᵀ x, dx = s · (dy B) A
    const torch::Tensor g = rows(gradY), input = rows(x);
    const torch::Tensor aT = a.to(g.scalar_type()), bT = b.to(g.scalar_type());
    const torch::Tensor gB = torch::matmul(g, bT); // [rows, r]
    AdapterBackward result;
    result.gradB = (torch::matmul(g.t(), torch::matmul(input, aT.t())) * scaling).to(b.scalar_type());
    result.gradA = (torch::matmul(gB.t(), input) * scaling).to(a.scalar_type());
    result.gradX = (torch::matmul(gB, aT) * scaling).view(x.sizes());
    return result;
}

torch::Tensor project(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias,
                      const torch::Tensor &a, const torch::Tensor &b, double scaling)
{
    torch::Tensor y = torch::linear(x, weight.to(x.scalar_type()), bias.defined() ? bias.to(x.scalar_type()) : bias);
    if (defined(a))
        y = y + torch::linear(torch::linear(x, a.to(x.scalar_type())), b.to(x.scalar_type())) * scaling;
    return y;
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
        if (defined(a)) {
            const AdapterBackward adapter = adapterBackward(g, x, a, b, scaling);
            gradX = gradX + adapter.gradX;
            gradA = adapter.gradA;
            gradB = adapter.gradB;
        }
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
        const torch::Tensor product = silu * up;

        torch::Tensor grads[6];
        torch::Tensor gradProduct = torch::matmul(gy, downW.to(gy.scalar_type()));
        if (defined(adapter[4])) {
            const AdapterBackward down = adapterBackward(gy, product, adapter[4], adapter[5], scaling);
            gradProduct = gradProduct + down.gradX;
            grads[4] = down.gradA;
            grads[5] = down.gradB;
        }
        const torch::Tensor gradGate = gradProduct * up * (sigmoid * (1 + gate * (1 - sigmoid)));
        const torch::Tensor gradUp = gradProduct * silu;
        torch::Tensor gradX = torch::matmul(gradGate, gateW.to(gy.scalar_type())) +
                              torch::matmul(gradUp, upW.to(gy.scalar_type()));
        for (const auto &[index, gradient] : {std::pair<int, const torch::Tensor *>{0, &gradGate}, {2, &gradUp}}) {
            if (!defined(adapter[index]))
                continue;
            const AdapterBackward part = adapterBackward(*gradient, x, adapter[index], adapter[index + 1], scaling);
            gradX = gradX + part.gradX;
            grads[index] = part.gradA;
            grads[index + 1] = part.gradB;
        }
        variable_list result = {gradX.to(x.scalar_type()), torch::Tensor(), torch::Tensor(), torch::Tensor()};
        for (const torch::Tensor &gradient : grads)
            result.push_back(gradient);
        result.push_back(torch::Tensor());
        return result;
    }
};

class ChunkedCrossEntropyFunction : public torch::autograd::Function<ChunkedCrossEntropyFunction>
{
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &hidden, const torch::Tensor &weight,
                                 const torch::Tensor &targets, std::int64_t chunkRows)
    {
        const torch::Dtype wide = hidden.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
        torch::Tensor total = torch::zeros({}, hidden.options().dtype(wide));
        std::vector<torch::Tensor> logSumExps;
        for (std::int64_t start = 0; start < hidden.size(0); start += chunkRows) {
            const std::int64_t count = std::min(chunkRows, hidden.size(0) - start);
            const torch::Tensor logits = torch::matmul(hidden.narrow(0, start, count), weight.t()).to(wide);
            const torch::Tensor target = targets.narrow(0, start, count);
            const torch::Tensor valid = target.ne(-100);
            const torch::Tensor lse = torch::logsumexp(logits, -1);
            const torch::Tensor picked = logits.gather(1, target.clamp_min(0).unsqueeze(1)).squeeze(1);
            total = total + ((lse - picked) * valid).sum();
            logSumExps.push_back(lse);
        }
        ctx->save_for_backward({hidden, weight, targets, torch::cat(logSumExps)});
        ctx->saved_data["chunk"] = chunkRows;
        return total;
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradients)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &hidden = saved[0], &weight = saved[1], &targets = saved[2], &logSumExp = saved[3];
        const std::int64_t chunkRows = ctx->saved_data["chunk"].toInt();
        const torch::Tensor scale = gradients[0];
        const torch::Dtype wide = logSumExp.scalar_type();
        torch::Tensor gradHidden = torch::empty_like(hidden);
        torch::Tensor gradWeight = weight.requires_grad() ? torch::zeros(weight.sizes(), weight.options().dtype(wide))
                                                          : torch::Tensor();
        for (std::int64_t start = 0; start < hidden.size(0); start += chunkRows) {
            const std::int64_t count = std::min(chunkRows, hidden.size(0) - start);
            const torch::Tensor h = hidden.narrow(0, start, count);
            const torch::Tensor target = targets.narrow(0, start, count);
            const torch::Tensor valid = target.ne(-100).to(wide).unsqueeze(1);
            // d(lse - picked)/dlogits = softmax - one-hot, for valid rows only.
            torch::Tensor gradLogits = torch::exp(torch::matmul(h, weight.t()).to(wide) - logSumExp.narrow(0, start, count).unsqueeze(1));
            gradLogits.scatter_add_(1, target.clamp_min(0).unsqueeze(1), -torch::ones({count, 1}, gradLogits.options()));
            gradLogits = gradLogits * valid * scale;
            gradHidden.narrow(0, start, count).copy_(torch::matmul(gradLogits.to(weight.scalar_type()), weight));
            if (gradWeight.defined())
                gradWeight.add_(torch::matmul(gradLogits.t(), h.to(wide)));
        }
        return {gradHidden, gradWeight.defined() ? gradWeight.to(weight.scalar_type()) : gradWeight, torch::Tensor(),
                torch::Tensor()};
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
