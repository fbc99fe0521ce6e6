#include "data/DatasetInfo.h"

#include "data/ValidationReport.h"

#include <QFileInfo>

namespace mtm::core {

QString DatasetInfo::originalFile() const
{
    const QString suffix = QFileInfo(originalFileName).suffix().toLower();
    return directory + QStringLiteral("/original") + (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix);
}

QJsonObject DatasetInfo::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("original_file_name"), originalFileName},
                       {QStringLiteral("container"), container},
                       {QStringLiteral("schema"), schema},
                       {QStringLiteral("records"), recordCount},
                       {QStringLiteral("skipped"), skippedCount},
                       {QStringLiteral("bytes"), bytes},
                       {QStringLiteral("sha256"), sha256},
                       {QStringLiteral("directory"), directory},
                       {QStringLiteral("created_at"), createdAt.toString(Qt::ISODate)}};
}

QJsonObject DatasetInfo::toJson(const ValidationReport &report) const
{
    QJsonObject json = toJson();
    json.insert(QStringLiteral("validation"), report.toJson());
    return json;
}

} // namespace mtm::core
