// The one exception type the engine throws: its message says what went wrong and what to do about it.
#pragma once

#include <stdexcept>
#include <string>

namespace mtm::engine {

class EngineError : public std::runtime_error
{
public:
    explicit EngineError(const std::string &message)
        : std::runtime_error(message)
    {}
};

} // namespace mtm::engine
