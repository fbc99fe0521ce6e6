// Work split over the engine's CPU threads without OpenMP in the calling code: LibTorch's at::parallel_for runs
// serially in code compiled without -fopenmp, which the engine's sources are (they share LibTorch's precompiled
// header). For loops of independent items such as blocks being quantised.
#pragma once

#include <cstdint>
#include <functional>

namespace mtm::engine {

// Calls work(begin, end) over [0, count) in up to at::get_num_threads() contiguous runs of at least `grain`
// items, each on its own thread (the caller's thread takes the first). Returns when all are done; rethrows the
// first exception a run threw.
void parallelRuns(std::int64_t count, std::int64_t grain, const std::function<void(std::int64_t, std::int64_t)> &work);

} // namespace mtm::engine
