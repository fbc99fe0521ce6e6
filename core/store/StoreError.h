// A failure of the store, with the reason, so that callers can offer the right way out.
#pragma once

#include "Error.h"

namespace mtm::core {

class StoreError : public Error
{
public:
    enum class Reason {
        Damaged, // the file is not a database of ours or fails its integrity check; left untouched
        TooNew,  // written by a newer version of the app; left untouched
        Io,      // cannot open, read or write
        Query,   // a statement failed
    };

    StoreError(Reason reason, const QString &message)
        : Error(Kind::Io, message)
        , m_reason(reason)
    {}

    Reason reason() const { return m_reason; }

private:
    Reason m_reason;
};

} // namespace mtm::core
