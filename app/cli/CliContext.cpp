#include "CliContext.h"

#include "AppCore.h"
#include "settings/AppSettings.h"

namespace mtm::cli {

CliContext::CliContext(QTextStream &out, QTextStream &err)
    : out(out)
    , err(err)
{}

CliContext::~CliContext() = default;

core::AppCore &CliContext::core()
{
    if (!m_core)
        m_core = std::make_unique<core::AppCore>(std::make_unique<core::AppSettings>());
    return *m_core;
}

} // namespace mtm::cli
