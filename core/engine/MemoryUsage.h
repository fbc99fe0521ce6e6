// How much memory this process uses: resident memory on the CPU (now and at its peak) and, with CUDA, what the
// caching allocator has handed out on a device; and how the C library's allocator treats freed memory.
#pragma once

#include <cstdint>

namespace mtm::engine {

std::uint64_t residentBytes();     // VmRSS
std::uint64_t peakResidentBytes(); // VmHWM
// Starts a new peak from the current resident size (Linux: writes 5 to /proc/self/clear_refs). False when refused.
bool resetPeakResident();
// Memory a new job can still take: on the CPU what the kernel reports as available (MemAvailable, which counts
// the page cache it can drop) plus what this process keeps freed for reuse; on a CUDA device what the driver
// reports free plus what LibTorch's caching allocator holds unused.
std::uint64_t availableSystemBytes();
std::uint64_t cudaAvailableBytes(int device);
// Bytes allocated on the CUDA device (0 without CUDA), now and at their peak since the last reset.
std::uint64_t cudaAllocatedBytes(int device);
std::uint64_t cudaPeakAllocatedBytes(int device);
void resetCudaPeak(int device);

// glibc hands large freed blocks back to the system and takes them again at the next allocation, each page
// zeroed by the kernel on first touch: on the CPU a quarter of a training step went to that (docs/benchmarks.md).
// This keeps freed memory in the process for reuse instead (no mmap for large blocks, a high trim threshold).
// Call once, early in main().
void keepFreedMemoryForReuse();
// Gives the memory the process keeps but does not use back to the system, and with CUDA the blocks LibTorch's
// caching allocator holds unused back to the driver, for other programs (after a training job).
void releaseFreedMemory();

} // namespace mtm::engine
