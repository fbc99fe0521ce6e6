// The engine's side of the one progress-and-cancel contract (core/Progress.h): long work calls
// progress(done, total) as it goes; false cancels it, and it ends in EngineError of kind Cancelled having left
// things as they were.
#pragma once

#include <cstdint>
#include <functional>

namespace mtm::engine {

using EngineProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

} // namespace mtm::engine
