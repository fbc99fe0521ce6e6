// The one exception type the engine throws: its message says what went wrong and what to do about it, and its
// kind says whether the input was at fault, a file could not be read or written, or the caller cancelled.
#pragma once

#include <stdexcept>
#include <string>

namespace mtm::engine {

class EngineError : public std::runtime_error
{
public:
    enum class Kind {
        InvalidInput, // a file, a model folder or a setting is wrong
        Io,           // a file could not be read or written
        Cancelled,    // the caller's progress callback returned false
    };

    explicit EngineError(const std::string &message, Kind kind = Kind::InvalidInput)
        : std::runtime_error(message)
        , m_kind(kind)
    {}

    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

} // namespace mtm::engine
