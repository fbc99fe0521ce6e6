#include "JsonFile.h"

#include "Error.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace mtm::cli {

QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw core::Error(core::Error::Kind::Io, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const QByteArray before = bytes.left(error.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
        throw core::Error(
            core::Error::Kind::InvalidInput,
            QStringLiteral("%1, line %2, column %3: %4").arg(path).arg(line).arg(column).arg(error.errorString()));
    }
    if (!document.isObject())
        throw core::Error(core::Error::Kind::InvalidInput,
                          QStringLiteral("%1: a training job is a JSON object ({\"training_type\": ...})").arg(path));
    return document.object();
}

} // namespace mtm::cli
