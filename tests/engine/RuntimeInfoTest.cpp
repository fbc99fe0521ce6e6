// Tests of what the engine reports about its runtime, and of the CPU thread setting.
#include "engine/RuntimeInfo.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <thread>

namespace mtm::engine {
namespace {

TEST(RuntimeInfo, ReportsTheLibTorchItWasBuiltWith)
{
    const RuntimeInfo info = queryRuntimeInfo();
    EXPECT_EQ(info.torchVersion, TORCH_VERSION);
    EXPECT_GE(info.cpuCores, 1);
    EXPECT_GE(info.cpuThreads, 1);
}

TEST(RuntimeInfo, CudaFlagsAreConsistent)
{
    const RuntimeInfo info = queryRuntimeInfo();
    if (!info.cudaCompiled) {
        EXPECT_FALSE(info.cudaAvailable);
    }
    EXPECT_EQ(info.cudaAvailable, !info.cudaDevices.empty());
    EXPECT_EQ(info.cudaAvailable, torch::cuda::is_available());
    EXPECT_FALSE(info.cudaStatus().empty());
}

TEST(RuntimeInfo, DeviceSummaryNamesTheDeviceInUse)
{
    const RuntimeInfo info = queryRuntimeInfo();
    const std::string summary = info.deviceSummary();
    if (info.cudaAvailable) {
        EXPECT_EQ(summary.rfind("CUDA · ", 0), 0u) << summary;
    } else {
        EXPECT_EQ(summary,
                  "CPU · " + std::to_string(info.cpuThreads) + (info.cpuThreads == 1 ? " thread" : " threads"));
    }
}

TEST(CpuThreads, ExplicitCountIsApplied)
{
    EXPECT_EQ(setCpuThreads(1), 1);
    EXPECT_EQ(at::get_num_threads(), 1);
    EXPECT_EQ(queryRuntimeInfo().cpuThreads, 1);
    EXPECT_EQ(setCpuThreads(3), 3);
    EXPECT_EQ(at::get_num_threads(), 3);
}

TEST(CpuThreads, ZeroMeansOnePerLogicalCore)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    EXPECT_EQ(setCpuThreads(0), cores);
    EXPECT_EQ(at::get_num_threads(), cores);
}

TEST(CpuThreads, ResultsDoNotDependOnThreadCount)
{
    torch::manual_seed(7);
    const torch::Tensor a = torch::randn({64, 96}, torch::kFloat64);
    const torch::Tensor b = torch::randn({96, 48}, torch::kFloat64);
    setCpuThreads(1);
    const torch::Tensor single = a.mm(b);
    setCpuThreads(2);
    const torch::Tensor multi = a.mm(b);
    EXPECT_TRUE(torch::allclose(single, multi, 1e-12, 1e-12));
}

} // namespace
} // namespace mtm::engine
