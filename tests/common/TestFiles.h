// Small file helpers shared by the tests.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace mtm::test {

// Writes bytes to path, replacing what was there; returns path.
inline QString writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(bytes);
    return path;
}

} // namespace mtm::test
