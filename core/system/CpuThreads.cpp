#include "system/CpuThreads.h"

#include "EngineCall.h"
#include "engine/MemoryUsage.h"
#include "engine/RuntimeInfo.h"
#include "engine/ThreadSpinLimit.h"

namespace mtm::core {

int applyCpuThreads(int requested)
{
    return callEngine([requested] { return engine::setCpuThreads(requested); });
}

} // namespace mtm::core

void mtm::core::prepareProcessForComputing(char **argv)
{
    engine::restartWithShortThreadSpins(argv);
    engine::keepFreedMemoryForReuse();
}
