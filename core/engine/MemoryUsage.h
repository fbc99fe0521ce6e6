// How much memory this process uses: resident memory on the CPU (now and at its peak) and, with CUDA, what the
// caching allocator has handed out on a device.
#pragma once

#include <cstdint>

namespace mtm::engine {

std::uint64_t residentBytes();     // VmRSS
std::uint64_t peakResidentBytes(); // VmHWM
// Starts a new peak from the current resident size (Linux: writes 5 to /proc/self/clear_refs). False when refused.
bool resetPeakResident();
// Bytes allocated on the CUDA device (0 without CUDA), now and at their peak since the last reset.
std::uint64_t cudaAllocatedBytes(int device);
std::uint64_t cudaPeakAllocatedBytes(int device);
void resetCudaPeak(int device);

} // namespace mtm::engine
