// The file in a multipart/form-data upload (what browsers, curl -F and python-requests' files= send), taken out
// of the body a server wrote to the disk, without reading the body into memory.
#pragma once

#include <QByteArray>
#include <QString>

namespace mtm::core {

struct UploadedFile
{
    QString path;     // where the part's bytes were written
    QString fileName; // the name the client gave it (its last path part), possibly empty
};

// Writes the first part that carries a file (a filename in its Content-Disposition) of the body in bodyFile,
// whose Content-Type header is contentType, to a new file in folder. Throws Error (InvalidInput) saying what is
// wrong: no boundary, no file part, a part not closed by its boundary.
UploadedFile extractMultipartFile(const QString &bodyFile, const QByteArray &contentType, const QString &folder);

} // namespace mtm::core
