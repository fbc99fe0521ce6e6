// The python3 the reference checks run: Debian's (/usr/bin/python3, with python3-numpy, python3-faiss and
// python3-requests) rather than one a version manager puts first on the PATH without them.
#pragma once

#include <QFileInfo>
#include <QString>

namespace mtm::test {

inline QString python()
{
    return QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                 : QStringLiteral("python3");
}

} // namespace mtm::test
