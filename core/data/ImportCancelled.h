// The error an import ends with when the user cancels it: the importer has removed everything it wrote.
#pragma once

#include "Error.h"

#include <QCoreApplication>

namespace mtm::core {

inline Error importCancelled()
{
    return Error(Error::Kind::Cancelled,
                 QCoreApplication::translate("DatasetImporter", "The import was cancelled; nothing was stored."));
}

} // namespace mtm::core
