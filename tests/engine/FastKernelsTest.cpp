// Gradient checks of the fast path's hand-written autograd: each function against LibTorch's autograd on the
// same computation, in float64 on tiny shapes.
#include "EngineTestSupport.h"

#include "engine/train/FastKernels.h"

#include <torch/torch.h>

namespace mtm::engine {
namespace {

const auto kDouble = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor leaf(std::vector<std::int64_t> shape, double scale = 1.0)
{
    return (torch::randn(shape, kDouble) * scale).requires_grad_(true);
}

// Outputs and the gradients of <output, probe> with respect to inputs agree to 1e-10.
void expectSameGradients(const torch::Tensor &fastOutput, const torch::Tensor &referenceOutput,
                         const std::vector<torch::Tensor> &inputs)
{
    ASSERT_TRUE(torch::allclose(fastOutput, referenceOutput, 1e-10, 1e-10));
    const torch::Tensor probe = torch::randn(fastOutput.sizes(), kDouble);
    const auto fast = torch::autograd::grad({(fastOutput * probe).sum()}, inputs, {}, true, false, true);
    const auto reference = torch::autograd::grad({(referenceOutput * probe).sum()}, inputs, {}, true, false, true);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        ASSERT_EQ(fast[i].defined(), reference[i].defined()) << "input " << i;
        if (fast[i].defined()) {
            EXPECT_TRUE(torch::allclose(fast[i], reference[i], 1e-10, 1e-10))
                << "input " << i << ": max difference " << (fast[i] - reference[i]).abs().max().item<double>();
        }
    }
}

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const std::int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

TEST(FastKernels, RmsNorm)
{
    torch::manual_seed(1);
    const torch::Tensor x = leaf({2, 3, 8}), weight = leaf({8});
    const double eps = 1e-6;
    expectSameGradients(fast::rmsNorm(x, weight, eps), weight * x * torch::rsqrt(x.pow(2).mean(-1, true) + eps),
                        {x, weight});
}

TEST(FastKernels, Rope)
{
    torch::manual_seed(2);
    const torch::Tensor x = leaf({2, 4, 5, 6});
    const torch::Tensor angles = torch::randn({1, 1, 5, 3}, kDouble);
    const torch::Tensor cos = torch::cat({angles, angles}, -1).cos(), sin = torch::cat({angles, angles}, -1).sin();
    expectSameGradients(fast::rope(x, cos, sin), x * cos + rotateHalf(x) * sin, {x});
}

TEST(FastKernels, LoraLinear)
{
    torch::manual_seed(3);
    const torch::Tensor x = leaf({2, 5, 12}), a = leaf({4, 12}), b = leaf({7, 4}), bias = leaf({7});
    const torch::Tensor weight = torch::randn({7, 12}, kDouble);
    const double s = 2.5;
    expectSameGradients(fast::loraLinear(x, weight, bias, a, b, s),
                        torch::linear(x, weight, bias) + torch::linear(torch::linear(x, a), b) * s, {x, a, b, bias});
    // Without an adapter it is a plain projection with a frozen weight.
    expectSameGradients(fast::loraLinear(x, weight, std::nullopt, torch::Tensor(), torch::Tensor(), s),
                        torch::linear(x, weight), {x});
}

TEST(FastKernels, LoraMlp)
{
    torch::manual_seed(4);
    const std::int64_t hidden = 10, inner = 14, rank = 3;
    const torch::Tensor x = leaf({2, 4, hidden});
    fast::MlpWeights w;
    w.gate = torch::randn({inner, hidden}, kDouble);
    w.up = torch::randn({inner, hidden}, kDouble);
    w.down = torch::randn({hidden, inner}, kDouble);
    w.gateA = leaf({rank, hidden});
    w.gateB = leaf({inner, rank});
    w.upA = leaf({rank, hidden});
    w.upB = leaf({inner, rank});
    w.downA = leaf({rank, inner});
    w.downB = leaf({hidden, rank});
    w.scaling = 0.75;
    auto project = [&](const torch::Tensor &in, const torch::Tensor &weight, const torch::Tensor &a, const torch::Tensor &b) {
        torch::Tensor y = torch::linear(in, weight);
        return a.defined() ? y + torch::linear(torch::linear(in, a), b) * w.scaling : y;
    };
    auto reference = [&] {
        return project(torch::silu(project(x, w.gate, w.gateA, w.gateB)) * project(x, w.up, w.upA, w.upB), w.down,
                       w.downA, w.downB);
    };
    expectSameGradients(fast::loraMlp(x, w), reference(), {x, w.gateA, w.gateB, w.upA, w.upB, w.downA, w.downB});

    // Adapters on some projections only.
    w.upA = w.upB = torch::Tensor();
    expectSameGradients(fast::loraMlp(x, w), reference(), {x, w.gateA, w.gateB, w.downA, w.downB});
}

TEST(FastKernels, ChunkedCrossEntropy)
{
    torch::manual_seed(5);
    const torch::Tensor hidden = leaf({11, 6}), weight = leaf({9, 6});
    const torch::Tensor targets = torch::tensor({3, -100, 0, 8, 8, -100, 1, 2, 5, 7, -100}, torch::kInt64);
    const torch::Tensor reference = torch::nn::functional::cross_entropy(
        torch::matmul(hidden, weight.t()), targets,
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kSum));
    for (const std::int64_t chunk : {1, 3, 4, 100})
        expectSameGradients(fast::chunkedCrossEntropy(hidden, weight, targets, chunk), reference, {hidden, weight});
}

} // namespace
} // namespace mtm::engine
