// A JSON object read from a file, with the line and column of a syntax error, for the commands that take one.
#pragma once

#include <QJsonObject>
#include <QString>

namespace mtm::cli {

// Throws core::Error: the file cannot be read, is not JSON (where the error is), or holds no object.
QJsonObject readJsonObject(const QString &path);

} // namespace mtm::cli
