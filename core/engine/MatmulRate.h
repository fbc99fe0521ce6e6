// How fast this machine multiplies matrices: floating-point operations a second of a product shaped like a
// small model's projections, measured once per dtype and thread count in a process (in about a quarter of a
// second). What the time a training job will take is estimated from, and what benchmarks compare with.
#pragma once

#include <torch/torch.h>

namespace mtm::engine {

// On the CPU, with the threads LibTorch uses now.
double cpuMatmulRate(torch::Dtype dtype);

} // namespace mtm::engine
