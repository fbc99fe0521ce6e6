#include "system/CpuThreads.h"

#include "EngineCall.h"
#include "engine/ComputeEnvironment.h"
#include "engine/MemoryUsage.h"
#include "engine/RuntimeInfo.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace mtm::core {

int applyCpuThreads(int requested)
{
    return callEngine([requested] { return engine::setCpuThreads(requested); });
}

} // namespace mtm::core

void mtm::core::lowerThisThreadsPriority()
{
#ifdef __linux__
    // On Linux a thread has its own nice value, and the threads it creates (LibTorch's OpenMP team) inherit it.
    setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 10);
#endif
}

void mtm::core::prepareProcessForComputing(char **argv)
{
    engine::restartWithComputeSettings(argv);
    engine::keepFreedMemoryForReuse();
}
