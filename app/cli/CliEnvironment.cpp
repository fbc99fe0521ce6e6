#include "CliEnvironment.h"

#include "system/CpuThreads.h"

namespace mtm::cli {

CliEnvironment::CliEnvironment()
    : dataDirectory(core::DataDirectory::resolve(settings))
{
    core::applyCpuThreads(settings.cpuThreads());
    dataDirectory.ensureExists();
    store = std::make_unique<core::Store>(dataDirectory.databaseFile());
}

} // namespace mtm::cli
