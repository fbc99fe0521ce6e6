#include "engine/MemoryUsage.h"

#ifdef MTM_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <malloc.h>

#include <fstream>
#include <string>

namespace mtm::engine {
namespace {

std::uint64_t statusKilobytes(const std::string &key)
{
    std::ifstream status("/proc/self/status");
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
    return statusKilobytes("VmRSS");
}

std::uint64_t peakResidentBytes()
{
    return statusKilobytes("VmHWM");
}

void keepFreedMemoryForReuse()
{
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

void releaseFreedMemory()
{
    malloc_trim(0);
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

void resetCudaPeak(int) {}
#endif

} // namespace mtm::engine
