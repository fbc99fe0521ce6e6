// What the engine can compute on: LibTorch version, CUDA devices, CPU threads and bf16 support.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::engine {

struct CudaDeviceInfo
{
    int index = 0;
    std::string name;
    std::int64_t totalMemoryBytes = 0;
    int computeCapabilityMajor = 0;
    int computeCapabilityMinor = 0;
};

struct RuntimeInfo
{
    std::string torchVersion;
    bool cudaCompiled = false;  // this LibTorch build contains CUDA kernels
    bool cudaAvailable = false; // ...and a usable CUDA device is present
    std::vector<CudaDeviceInfo> cudaDevices;
    int cpuThreads = 1; // threads LibTorch uses for one operation
    int cpuCores = 1;   // logical cores the OS reports
    std::string cpuModel;
    bool cpuHasBf16 = false; // native bf16 dot products (AVX-512 BF16 or AMX)

    // One line for a status bar: "CUDA · NVIDIA H100 (79.1 GiB)" or "CPU · 2 threads".
    std::string deviceSummary() const;
    // Why CUDA is or is not used, in words a person can act on.
    std::string cudaStatus() const;
};

RuntimeInfo queryRuntimeInfo();

// Sets the number of threads LibTorch uses within one operation. 0 means one per logical core.
// Returns the number now in effect. The environment's OMP_NUM_THREADS is deliberately overridden.
int setCpuThreads(int requested);
// The number in effect: what other OpenMP users (FAISS) are given, on whatever thread they run.
int cpuThreadsInUse();

} // namespace mtm::engine
