// Tests that need a CUDA device; the binary exits with 77 (skipped) where there is none.
#include "ModelTestSupport.h"

#include "engine/RuntimeInfo.h"
#include "engine/generate/Generator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>

namespace mtm::engine {
namespace {

TEST(CudaDevice, IsListedWithNameAndMemory)
{
    const RuntimeInfo info = queryRuntimeInfo();
    ASSERT_TRUE(info.cudaAvailable);
    ASSERT_FALSE(info.cudaDevices.empty());
    EXPECT_FALSE(info.cudaDevices.front().name.empty());
    EXPECT_GT(info.cudaDevices.front().totalMemoryBytes, 0);
}

TEST(CudaDevice, MatrixProductAgreesWithCpu)
{
    torch::manual_seed(11);
    const torch::Tensor a = torch::randn({256, 384});
    const torch::Tensor b = torch::randn({384, 128});
    const torch::Tensor onCpu = a.mm(b);
    const torch::Tensor onGpu = a.cuda().mm(b.cuda()).cpu();
    EXPECT_TRUE(torch::allclose(onCpu, onGpu, 1e-3, 1e-3));
}

TEST(CudaDevice, TransformerLogitsAgreeWithCpu)
{
    for (const ModelFamily family : {ModelFamily::Llama, ModelFamily::Mistral, ModelFamily::Qwen2}) {
        auto model = test::tinyModel(test::tinyConfig(family));
        torch::NoGradGuard noGrad;
        const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{3, 17, 42, 8, 8, 60, 0, 29, 11}).unsqueeze(0);
        const torch::Tensor onCpu = model->forward(ForwardInputs(ids));
        model->to(torch::kCUDA);
        const torch::Tensor onGpu = model->forward(ForwardInputs(ids.cuda())).cpu();
        EXPECT_LT((onCpu - onGpu).abs().max().item<double>(), 1e-4);
    }
}

TEST(CudaDevice, GreedyGenerationMatchesCpu)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    GenerationOptions options;
    options.maxNewTokens = 16;
    const auto onCpu = generate(*model, {4, 9, 33}, options).tokens;
    model->to(torch::kCUDA);
    EXPECT_EQ(generate(*model, {4, 9, 33}, options).tokens, onCpu);
}

} // namespace
} // namespace mtm::engine

int main(int argc, char **argv)
{
    if (!torch::cuda::is_available()) {
        std::printf("No CUDA device (or this LibTorch has no CUDA): the GPU tests are skipped.\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
