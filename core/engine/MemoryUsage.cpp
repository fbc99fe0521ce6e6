#include "engine/MemoryUsage.h"

#ifdef MTM_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#include <torch/cuda.h>
#endif

#include <malloc.h>

#include <fstream>
#include <string>

namespace mtm::engine {
namespace {

// A "Key:   1234 kB" line of a /proc file, in bytes; 0 when absent.
std::uint64_t procKilobytes(const char *file, const std::string &key)
{
    std::ifstream status(file);
    std::string line;
    while (std::getline(status, line)) {
        if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() && line[key.size()] == ':')
            return std::stoull(line.substr(key.size() + 1)) * 1024;
    }
    return 0;
}

} // namespace

std::uint64_t residentBytes()
{
    return procKilobytes("/proc/self/status", "VmRSS");
}

std::uint64_t peakResidentBytes()
{
    return procKilobytes("/proc/self/status", "VmHWM");
}

std::uint64_t availableSystemBytes()
{
    const struct mallinfo2 heap = mallinfo2();
    return procKilobytes("/proc/meminfo", "MemAvailable") + heap.fordblks;
}

void keepFreedMemoryForReuse()
{
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

void releaseFreedMemory()
{
    malloc_trim(0);
#ifdef MTM_HAS_CUDA
    if (torch::cuda::is_available())
        c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

bool resetPeakResident()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return bool(clear);
}

#ifdef MTM_HAS_CUDA
std::uint64_t cudaAllocatedBytes(int device)
{
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
    return static_cast<std::uint64_t>(stats.allocated_bytes[0].current);
}

std::uint64_t cudaPeakAllocatedBytes(int device)
{
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
    return static_cast<std::uint64_t>(stats.allocated_bytes[0].peak);
}

std::uint64_t cudaAvailableBytes(int device)
{
    int current = 0;
    cudaGetDevice(&current);
    cudaSetDevice(device);
    std::size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    cudaSetDevice(current);
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
    return free + static_cast<std::uint64_t>(stats.reserved_bytes[0].current - stats.allocated_bytes[0].current);
}

void resetCudaPeak(int device)
{
    c10::cuda::CUDACachingAllocator::resetPeakStats(device);
}
#else
std::uint64_t cudaAllocatedBytes(int)
{
    return 0;
}

std::uint64_t cudaPeakAllocatedBytes(int)
{
    return 0;
}

std::uint64_t cudaAvailableBytes(int)
{
    return 0;
}

void resetCudaPeak(int) {}
#endif

} // namespace mtm::engine
