#include "engine/RuntimeInfo.h"

#include <torch/torch.h>
#include <torch/version.h>

#ifdef MTM_HAS_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace mtm::engine {
namespace {

struct CpuDescription
{
    std::string model;
    bool hasBf16 = false;
};

CpuDescription readCpuDescription()
{
    CpuDescription cpu;
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    bool haveModel = false, haveFlags = false;
    while (std::getline(cpuinfo, line) && !(haveModel && haveFlags)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
        if (key == "model name" && !haveModel) {
            cpu.model = value;
            haveModel = true;
        } else if (key == "flags" && !haveFlags) {
            std::istringstream flags(value);
            std::string flag;
            while (flags >> flag)
                cpu.hasBf16 = cpu.hasBf16 || flag == "avx512_bf16" || flag == "amx_bf16";
            haveFlags = true;
        }
    }
    return cpu;
}

std::string formatGiB(std::int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

} // namespace

RuntimeInfo queryRuntimeInfo()
{
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
#ifdef MTM_HAS_CUDA
    info.cudaCompiled = true;
    info.cudaAvailable = torch::cuda::is_available();
    if (info.cudaAvailable) {
        const int count = static_cast<int>(torch::cuda::device_count());
        for (int i = 0; i < count; ++i) {
            const auto *props = at::cuda::getDeviceProperties(i);
            info.cudaDevices.push_back(
                {i, props->name, static_cast<std::int64_t>(props->totalGlobalMem), props->major, props->minor});
        }
    }
#endif
    info.cpuThreads = at::get_num_threads();
    info.cpuCores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const CpuDescription cpu = readCpuDescription();
    info.cpuModel = cpu.model;
    info.cpuHasBf16 = cpu.hasBf16;
    return info;
}

std::string RuntimeInfo::deviceSummary() const
{
    if (cudaAvailable && !cudaDevices.empty()) {
        const CudaDeviceInfo &first = cudaDevices.front();
        std::string text = "CUDA · " + first.name + " (" + formatGiB(first.totalMemoryBytes) + ")";
        if (cudaDevices.size() > 1)
            text += " + " + std::to_string(cudaDevices.size() - 1) + " more";
        return text;
    }
    return "CPU · " + std::to_string(cpuThreads) + (cpuThreads == 1 ? " thread" : " threads");
}

std::string RuntimeInfo::cudaStatus() const
{
    if (!cudaCompiled)
        return "not available: this build of LibTorch has no CUDA support (training runs on the CPU)";
    if (!cudaAvailable)
        return "not available: LibTorch has CUDA, but no usable GPU or driver was found";
    return "available: " + std::to_string(cudaDevices.size()) + (cudaDevices.size() == 1 ? " device" : " devices");
}

int setCpuThreads(int requested)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = requested > 0 ? requested : cores;
    at::set_num_threads(threads);
    return at::get_num_threads();
}

int cpuThreadsInUse()
{
    return at::get_num_threads();
}

} // namespace mtm::engine
