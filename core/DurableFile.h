// A small file the app keeps (a job's request, a Modelfile, a draft) written whole or not at all: under a
// temporary name, flushed, renamed into place, and the rename itself flushed with its folder, so that a crash or
// a power loss leaves the previous file or the new one, never half of either.
#pragma once

#include <QByteArray>
#include <QString>

namespace mtm::core {

// Throws Error (Io) saying which file could not be written and why.
void writeFileDurably(const QString &path, const QByteArray &bytes);

} // namespace mtm::core
