// Benchmark: prefill and decode speed of the starter model's shape and of a ~100M-parameter Llama (random
// weights), in float32 and bfloat16, on the CPU (and on CUDA when present). Prints a table; asserts nothing.
// Run: build/tests/bench_inference [prompt tokens] [decoded tokens]
#include "BenchmarkModels.h"
#include "engine/ComputeEnvironment.h"
#include "engine/MemoryUsage.h"
#include "engine/RuntimeInfo.h"
#include "engine/model/KvCache.h"
#include "engine/model/Transformer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

using namespace mtm::engine;
using mtm::bench::llama100m;
using mtm::bench::starterShape;

namespace {

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void measure(const char *name, const ModelConfig &config, torch::Dtype dtype, torch::Device device, int prompt,
             int decode)
{
    Transformer model(config);
    model.initializeRandomly(1);
    model.to(device, dtype);
    model.eval();
    torch::NoGradGuard noGrad;
    const auto options = torch::TensorOptions().dtype(torch::kInt64).device(device);
    const torch::Tensor ids = torch::randint(0, config.vocabSize, {1, prompt}, options);
    auto sync = [&] {
        if (device.is_cuda())
            torch::cuda::synchronize();
    };
    // Warm-up: a full-size pass so that kernels, threads and allocations are ready.
    {
        KvCache warm(config, 1, prompt + 1, dtype, device);
        model.forward(ForwardInputs(ids, &warm));
        model.forward(ForwardInputs(ids.narrow(1, 0, 1), &warm));
        sync();
    }
    // The median of three runs: small models on a busy machine vary from run to run.
    std::vector<double> prefills, decodes;
    for (int run = 0; run < 3; ++run) {
        KvCache cache(config, 1, prompt + decode, dtype, device);
        auto start = std::chrono::steady_clock::now();
        torch::Tensor logits = model.forward(ForwardInputs(ids, &cache));
        sync();
        prefills.push_back(seconds(start));
        start = std::chrono::steady_clock::now();
        for (int i = 0; i < decode; ++i) {
            const torch::Tensor next = logits[0][-1].argmax().view({1, 1});
            logits = model.forward(ForwardInputs(next, &cache));
        }
        sync();
        decodes.push_back(seconds(start));
    }
    std::sort(prefills.begin(), prefills.end());
    std::sort(decodes.begin(), decodes.end());
    const double prefill = prefills[1], decoding = decodes[1];
    std::printf("%-18s %-9s %-5s %9.1f M %12.0f %12.1f\n", name, dtype == torch::kBFloat16 ? "bfloat16" : "float32",
                device.is_cuda() ? "CUDA" : "CPU", double(config.parameterCount()) / 1e6, prompt / prefill,
                decode / decoding);
}

} // namespace

int main(int argc, char **argv)
{
    restartWithComputeSettings(argv);
    keepFreedMemoryForReuse();
    const int prompt = argc > 1 ? std::stoi(argv[1]) : 256;
    const int decode = argc > 2 ? std::stoi(argv[2]) : 64;
    setCpuThreads(0);
    const RuntimeInfo runtime = queryRuntimeInfo(); // after the threads are set, so that it reports them
    std::printf("LibTorch %s, %s, CPU: %s (%d threads, bf16 %s)\n", runtime.torchVersion.c_str(),
                runtime.deviceSummary().c_str(), runtime.cpuModel.c_str(), at::get_num_threads(),
                runtime.cpuHasBf16 ? "native" : "emulated");
    std::printf("prompt %d tokens, then %d decoded one at a time with the KV cache (batch 1); median of 3 runs\n\n",
                prompt, decode);
    std::printf("%-18s %-9s %-5s %11s %12s %12s\n", "model", "dtype", "device", "parameters", "prefill t/s",
                "decode t/s");
    std::vector<torch::Device> devices = {torch::kCPU};
    if (torch::cuda::is_available())
        devices.emplace_back(torch::kCUDA);
    for (const torch::Device device : devices)
        for (const torch::Dtype dtype : {torch::kFloat32, torch::kBFloat16}) {
            measure("starter", starterShape(), dtype, device, prompt, decode);
            measure("llama-100m", llama100m(), dtype, device, prompt, decode);
        }
    std::printf("\npeak RSS: %llu MiB\n", static_cast<unsigned long long>(peakResidentBytes() >> 20));
    return 0;
}
