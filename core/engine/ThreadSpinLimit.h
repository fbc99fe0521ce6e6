// LibTorch's OpenMP threads spin a long while after each parallel region, taking the cores from OpenBLAS's own
// threads (and the other way round): float32 work on the CPU becomes erratic and up to five times slower.
// Measured on a 2-core machine (docs/benchmarks.md), a short spin (GOMP_SPINCOUNT=10000) is the best setting
// for float32 and bfloat16 alike. The OpenMP runtime reads it when it is loaded, before main() runs; so a
// program sets it and starts itself again, once, at the top of main().
#pragma once

namespace mtm::engine {

// Returns at once when GOMP_SPINCOUNT or OMP_WAIT_POLICY is already set (by the user or by the restart);
// otherwise replaces the process with itself with the short spin, and returns only if that fails.
void restartWithShortThreadSpins(char **argv);

} // namespace mtm::engine
