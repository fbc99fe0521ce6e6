#include "system/CpuThreads.h"

#include "engine/RuntimeInfo.h"

namespace mtm::core {

int applyCpuThreads(int requested)
{
    return engine::setCpuThreads(requested);
}

} // namespace mtm::core
