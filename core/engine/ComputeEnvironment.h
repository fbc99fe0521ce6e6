// Settings of the runtimes inside LibTorch that must be in the environment before they start, measured on a
// 2-core machine (docs/benchmarks.md):
// - LibTorch's OpenMP threads spin a long while after each parallel region, taking the cores from OpenBLAS's own
//   threads (and the other way round): float32 work on the CPU becomes erratic and up to five times slower. A
//   short spin (GOMP_SPINCOUNT=10000) is the best setting for float32 and bfloat16 alike. The OpenMP runtime reads
//   it when it is loaded, before main() runs; so a program sets it and starts itself again, once.
// - oneDNN compiles a kernel for every new matrix shape and keeps up to 1024 of them; training makes new shapes at
//   every step (the batch's length changes), so that cache grew during a job: by 430 MiB in 24 steps of the 100 M
//   benchmark model, where 256 kernels gave the same speed of training and of generation
//   (ONEDNN_PRIMITIVE_CACHE_CAPACITY; 128 slowed the starter model's generation by a third).
#pragma once

namespace mtm::engine {

// Call at the top of main(). Leaves alone what the user has set (GOMP_SPINCOUNT or OMP_WAIT_POLICY,
// ONEDNN_PRIMITIVE_CACHE_CAPACITY); otherwise sets both and replaces the process with itself, and returns only
// when it has already done so (or that fails).
void restartWithComputeSettings(char **argv);

// Empties oneDNN's cache of compiled kernels (its capacity kept). Kernels cached by one training run gave the next
// run in the same process wrong results: two identical jobs in one `mtm jobs run` or `mtm serve` trained the same
// and then scored different held-out losses (7.2204 against 7.3352, the latter also with the cache off), with the
// second's results changing from run to run (LibTorch 1.13.1 with Debian's oneDNN 2.6.3). So a training run starts
// and ends with an empty cache. Does nothing where LibTorch was built without oneDNN.
void clearCompiledKernelCache();

} // namespace mtm::engine
