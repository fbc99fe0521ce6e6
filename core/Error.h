// The exception type of the core layer: a message a person can act on, as a QString.
#pragma once

#include <QString>
#include <stdexcept>

namespace mtm::core {

class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {}

    const QString &message() const { return m_message; }

private:
    QString m_message;
};

} // namespace mtm::core
