#include "BackgroundTask.h"

#include "EngineCall.h"

#include <QCoreApplication>

namespace mtm::ui {

core::Progress TaskProgress::reportTo(const std::shared_ptr<TaskProgress> &progress)
{
    return [progress](qint64 done, qint64 total) {
        progress->m_done = done;
        progress->m_total = total;
        return !progress->m_cancelled.load();
    };
}

double TaskProgress::fraction() const
{
    const qint64 total = m_total;
    return total > 0 ? double(m_done) / double(total) : 0.0;
}

core::Error errorFrom(std::exception_ptr exception)
{
    try {
        try {
            std::rethrow_exception(exception);
        } catch (...) {
            core::rethrowAsCoreError(); // worded for people at the one boundary
        }
    } catch (const core::Error &error) {
        return error;
    } catch (...) {
        return core::Error(core::Error::Kind::Internal,
                           QCoreApplication::translate("BackgroundTask", "The work stopped on an unknown error."));
    }
}

} // namespace mtm::ui
