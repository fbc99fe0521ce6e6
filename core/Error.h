// The exception type of the core layer: a message a person can act on, as a QString, and the kind of failure,
// which the front ends map to their own outcomes (an exit status, an HTTP status, a job state).
#pragma once

#include <QString>
#include <stdexcept>

namespace mtm::core {

class Error : public std::runtime_error
{
public:
    enum class Kind {
        InvalidInput, // what the user gave is wrong: a file, a setting, a name
        NotFound,     // what the user named does not exist
        Conflict,     // it cannot be done in the present state (a name taken, a job still running)
        Io,           // reading or writing failed: permissions, free space, a damaged database
        Cancelled,    // the user cancelled; the operation left things as they were or says what it kept
        Internal,     // a failure the user cannot fix by changing the input (out of memory, a library's error)
    };

    Error(Kind kind, const QString &message)
        : std::runtime_error(message.toStdString())
        , m_kind(kind)
        , m_message(message)
    {}

    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    bool isCancelled() const { return m_kind == Kind::Cancelled; }

private:
    Kind m_kind;
    QString m_message;
};

} // namespace mtm::core
