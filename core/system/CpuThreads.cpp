#include "system/CpuThreads.h"

#include "engine/RuntimeInfo.h"
#include "engine/ThreadSpinLimit.h"

namespace mtm::core {

int applyCpuThreads(int requested)
{
    return engine::setCpuThreads(requested);
}

} // namespace mtm::core

void mtm::core::restartWithShortThreadSpins(char **argv)
{
    engine::restartWithShortThreadSpins(argv);
}
