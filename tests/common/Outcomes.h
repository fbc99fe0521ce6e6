// Checks of how a core operation ended, shared by the QtTest suites.
#pragma once

#include "Error.h"

#include <QString>

namespace mtm::test {

// Runs work and says how it ended: an empty string when it threw core::Error of the expected kind, otherwise
// what happened instead (for QVERIFY2).
template <typename Work> QString failureOtherThan(core::Error::Kind expected, Work &&work)
{
    try {
        work();
    } catch (const core::Error &error) {
        if (error.kind() == expected)
            return QString();
        return QStringLiteral("it failed with another kind of error: %1").arg(error.message());
    } catch (const std::exception &error) {
        return QStringLiteral("it threw a non-core exception: %1").arg(QString::fromLocal8Bit(error.what()));
    }
    return QStringLiteral("it ended normally");
}

// The one cancelled outcome: an empty string when work ended in core::Error of kind Cancelled.
template <typename Work> QString notCancelled(Work &&work)
{
    return failureOtherThan(core::Error::Kind::Cancelled, std::forward<Work>(work));
}

} // namespace mtm::test
