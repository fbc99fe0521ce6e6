// The encoder's fused bfloat16 kernels against the same arithmetic in float64 by LibTorch: each result within
// bfloat16's rounding of the exact value (a relative 2^-8), masked scores exactly 0, LayerNorm's float32 stream
// within float32's rounding; and the same on 1 thread as on 4.
#include "engine/embed/EncoderKernels.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

namespace mtm::engine {
namespace {

std::uint16_t *bits(const torch::Tensor &tensor)
{
    return reinterpret_cast<std::uint16_t *>(tensor.data_ptr());
}

torch::Tensor exact(const torch::Tensor &tensor)
{
    return tensor.to(torch::kFloat64);
}

// |found - expected| within bfloat16's half-unit of the expected value (plus a floor for values near zero).
void expectBf16Close(const torch::Tensor &found, const torch::Tensor &expected, double floor)
{
    const torch::Tensor error = (exact(found) - expected).abs();
    const torch::Tensor allowed = expected.abs() * (1.0 / 256) + floor;
    EXPECT_TRUE((error <= allowed).all().item<bool>()) << "worst excess " << (error - allowed).max().item<double>();
}

class EncoderKernels : public ::testing::TestWithParam<int>
{
protected:
    void SetUp() override
    {
        m_threads = at::get_num_threads();
        at::set_num_threads(GetParam());
        torch::manual_seed(11);
    }
    void TearDown() override { at::set_num_threads(m_threads); }

private:
    int m_threads = 1;
};

TEST_P(EncoderKernels, SoftmaxRowsMatchesTheExactSoftmaxAndMaskedScoresGiveZero)
{
    // Rows of an odd width (not a multiple of any vector), scores over a wide range, some masked with -inf.
    torch::Tensor scores = (torch::randn({3, 5, 37, 77}) * 6).to(torch::kBFloat16);
    scores.index_put_({0, 0, 0, torch::indexing::Slice(40, 77)}, -std::numeric_limits<float>::infinity());
    scores.index_put_({2, 4, torch::indexing::Slice(), torch::indexing::Slice(0, 70)},
                      -std::numeric_limits<float>::infinity());
    const torch::Tensor expected = torch::softmax(exact(scores), -1);
    torch::Tensor found = scores.clone();
    kernels::softmaxRows(bits(found), found.numel() / 77, 77);
    expectBf16Close(found, expected, 1e-30);
    EXPECT_EQ(found.index({0, 0, 0, torch::indexing::Slice(40, 77)}).abs().max().item<float>(), 0.0f);
    EXPECT_EQ(found.index({2, 4, torch::indexing::Slice(), torch::indexing::Slice(0, 70)}).abs().max().item<float>(),
              0.0f);
}

TEST_P(EncoderKernels, BiasGeluRowsIsTheExactErfGeluOfTheSum)
{
    torch::Tensor values = (torch::randn({133, 45}) * 4).to(torch::kBFloat16);
    const torch::Tensor bias = torch::randn({45}).to(torch::kBFloat16);
    // GELU of the float32 sum (the kernel adds in float32, then rounds once).
    const torch::Tensor sum = (exact(values) + exact(bias)).to(torch::kFloat32).to(torch::kFloat64);
    const torch::Tensor expected = torch::gelu(sum);
    kernels::biasGeluRows(bits(values), bits(bias), 133, 45);
    expectBf16Close(values, expected, 1e-6);
}

TEST_P(EncoderKernels, ResidualNormRowsIsLayerNormOfTheSumWithItsBf16Copy)
{
    const std::int64_t rows = 150, width = 97;
    torch::Tensor residual = torch::randn({rows, width}) * 3;
    const torch::Tensor added = torch::randn({rows, width}).to(torch::kBFloat16);
    const torch::Tensor bias = torch::randn({width}).to(torch::kBFloat16);
    const torch::Tensor weight = torch::rand({width}) + 0.5, shift = torch::randn({width});
    const torch::Tensor expected =
        torch::layer_norm(exact(residual) + exact(added) + exact(bias), {width}, exact(weight), exact(shift), 1e-12);
    torch::Tensor copy = torch::empty({rows, width}, torch::kBFloat16);
    kernels::residualNormRows(residual.data_ptr<float>(), bits(added), bits(bias), weight.data_ptr<float>(),
                              shift.data_ptr<float>(), 1e-12, bits(copy), rows, width);
    EXPECT_LT((exact(residual) - expected).abs().max().item<double>(), 1e-5);
    expectBf16Close(copy, expected, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Threads, EncoderKernels, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int> &info) {
                             return std::to_string(info.param) + "Threads";
                         });

} // namespace
} // namespace mtm::engine
