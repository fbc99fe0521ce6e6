#include "engine/ComputeEnvironment.h"

#include <cstdlib>

#include <dlfcn.h>
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

void clearCompiledKernelCache()
{
    // oneDNN's C API, looked up at run time: its library comes with LibTorch, without headers.
    using GetCapacity = int (*)(int *);
    using SetCapacity = int (*)(int);
    const auto get = reinterpret_cast<GetCapacity>(::dlsym(RTLD_DEFAULT, "dnnl_get_primitive_cache_capacity"));
    const auto set = reinterpret_cast<SetCapacity>(::dlsym(RTLD_DEFAULT, "dnnl_set_primitive_cache_capacity"));
    int capacity = 0;
    if (!get || !set || get(&capacity) != 0 || capacity <= 0)
        return;
    set(0); // drops every cached kernel
    set(capacity);
}

} // namespace mtm::engine
