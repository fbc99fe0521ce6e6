// Thrown when the user cancels an import; the importer has removed everything it wrote.
#pragma once

#include "Error.h"

namespace mtm::core {

class ImportCancelled : public Error
{
public:
    ImportCancelled()
        : Error(QStringLiteral("The import was cancelled; nothing was stored."))
    {}
};

} // namespace mtm::core
