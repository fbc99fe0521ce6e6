// The one progress-and-cancel contract of the core: a long operation calls progress(done, total) as it goes, in
// units of its own choosing; returning false cancels it, and it then ends in Error of kind Cancelled having left
// things as they were (or saying what it kept). The engine's callbacks follow the same rule.
#pragma once

#include <QtGlobal>

#include <functional>

namespace mtm::core {

using Progress = std::function<bool(qint64 done, qint64 total)>;

} // namespace mtm::core
