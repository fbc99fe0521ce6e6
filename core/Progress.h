// The one progress-and-cancel contract of the core: a long operation calls progress(done, total) as it goes, in
// units of its own choosing; returning false cancels it, and it then ends in Error of kind Cancelled having left
// things as they were (or saying what it kept). The engine's callbacks follow the same rule.
#pragma once

#include <QtGlobal>

#include <functional>

namespace mtm::core {

using Progress = std::function<bool(qint64 done, qint64 total)>;

// A step of a longer operation: the step's progress(done, total) reported as [from, from + width) of `whole`.
inline Progress progressShare(const Progress &progress, qint64 from, qint64 width, qint64 whole = 1000)
{
    return [=](qint64 done, qint64 total) {
        return !progress || progress(from + (total > 0 ? done * width / total : 0), whole);
    };
}

} // namespace mtm::core
