// Applies the "number of CPU threads" setting to the engine (0 = one per logical core).
#pragma once

namespace mtm::core {

// Returns the number of threads now in effect.
int applyCpuThreads(int requested);

} // namespace mtm::core
