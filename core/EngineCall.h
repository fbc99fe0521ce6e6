// The one boundary where the engine's failures become core errors: callEngine() runs engine code and turns
// whatever it throws (EngineError by its kind, LibTorch's errors, file-system errors, running out of memory)
// into a core::Error, so that the layers above see one exception type with a message for people.
#pragma once

#include "Error.h"

#include <utility>

namespace mtm::core {

// Rethrows the exception being handled as a core::Error (a core::Error as it is). Call only inside a catch block.
[[noreturn]] void rethrowAsCoreError();

template <typename Work> decltype(auto) callEngine(Work &&work)
{
    try {
        return std::forward<Work>(work)();
    } catch (...) {
        rethrowAsCoreError();
    }
}

} // namespace mtm::core
