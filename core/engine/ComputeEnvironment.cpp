#include "engine/ComputeEnvironment.h"

#include <cstdlib>

#include <unistd.h>

namespace mtm::engine {

void restartWithComputeSettings(char **argv)
{
    ::setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "256", 0); // read when oneDNN makes its first kernel
    if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY"))
        return;
    ::setenv("GOMP_SPINCOUNT", "10000", 1);
    ::execv("/proc/self/exe", argv); // returns only on failure; the program then goes on as it is
}

} // namespace mtm::engine
