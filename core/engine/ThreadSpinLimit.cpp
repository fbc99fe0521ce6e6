#include "engine/ThreadSpinLimit.h"

#include <cstdlib>

#include <unistd.h>

namespace mtm::engine {

void restartWithShortThreadSpins(char **argv)
{
    if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY"))
        return;
    ::setenv("GOMP_SPINCOUNT", "10000", 1);
    ::execv("/proc/self/exe", argv); // returns only on failure; the program then goes on as it is
}

} // namespace mtm::engine
