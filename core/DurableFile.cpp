#include "DurableFile.h"

#include "EngineCall.h"
#include "engine/io/DurableFiles.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSaveFile>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DurableFile)
};

} // namespace

void writeFileDurably(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path); // flushed to disk and renamed into place on commit
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0 || !file.commit())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, file.errorString()));
    callEngine([&] { engine::syncDirectory(QFileInfo(path).absolutePath().toStdString()); });
}

} // namespace mtm::core
