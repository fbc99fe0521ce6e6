#include "data/DatasetInfo.h"

#include <QFileInfo>

namespace mtm::core {

QString DatasetInfo::originalFile() const
{
    const QString suffix = QFileInfo(originalFileName).suffix().toLower();
    return directory + QStringLiteral("/original") + (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix);
}

} // namespace mtm::core
