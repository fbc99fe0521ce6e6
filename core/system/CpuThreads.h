// Applies the "number of CPU threads" setting to the engine (0 = one per logical core).
#pragma once

namespace mtm::core {

// Returns the number of threads now in effect.
int applyCpuThreads(int requested);

// Call first in main() of a program that computes on the CPU: restarts it once with the runtimes' settings (a
// short OpenMP spin, a bounded cache of compiled kernels: see ComputeEnvironment.h), and keeps freed memory in the
// process for reuse (see MemoryUsage.h).
void prepareProcessForComputing(char **argv);

// Lowers the calling thread's scheduling priority (and that of the compute threads it starts), so that long work
// in the background leaves the window and the rest of the desktop responsive. Does nothing where unsupported.
void lowerThisThreadsPriority();

} // namespace mtm::core
