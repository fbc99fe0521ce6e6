#include "deploy/ModelArchive.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/io/DurableFiles.h"

#include <archive.h>
#include <archive_entry.h>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>
#include <QStorageInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <memory>
#include <vector>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ModelArchive)
};

constexpr qint64 kChunk = 1 << 20;
// Kept free on the disk an archive is opened onto, so that opening one never fills it.
constexpr qint64 kDiskMargin = 64 << 20;

using ArchivePointer = std::unique_ptr<struct archive, int (*)(struct archive *)>;
using EntryPointer = std::unique_ptr<struct archive_entry, void (*)(struct archive_entry *)>;

QString archiveError(struct archive *archive)
{
    const char *text = archive_error_string(archive);
    return text ? QString::fromUtf8(text) : Text::tr("unknown error");
}

la_ssize_t writeToSaveFile(struct archive *, void *client, const void *buffer, size_t length)
{
    auto *file = static_cast<QSaveFile *>(client);
    return file->write(static_cast<const char *>(buffer), qint64(length)) == qint64(length) ? la_ssize_t(length) : -1;
}

// The entry's name as a path inside the target folder; empty for the archive's own root ("./"). Throws Error
// for a name that could reach outside the folder.
QString relativePathOf(const QString &archive, const QString &name)
{
    const auto refuse = [&](const QString &why) {
        return Error(
            Error::Kind::InvalidInput,
            Text::tr("%1 cannot be opened: its entry \"%2\" %3. Nothing was extracted.").arg(archive, name, why));
    };
    if (name.isEmpty())
        throw refuse(Text::tr("has no name"));
    if (name.startsWith(QLatin1Char('/')))
        throw refuse(Text::tr("is an absolute path"));
    if (name.contains(QLatin1Char('\\')) || name.contains(QChar(0)))
        throw refuse(Text::tr("holds a backslash or a NUL character"));
    QStringList parts;
    for (const QString &part : name.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String(".."))
            throw refuse(Text::tr("climbs out of its folder with \"..\""));
        if (part != QLatin1String("."))
            parts << part;
    }
    return parts.join(QLatin1Char('/'));
}

// Flushes every file and folder under root, the deepest first, then root.
void syncTree(const QString &root)
{
    QStringList folders;
    QDirIterator it(root, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        folders << it.next();
    std::sort(folders.begin(), folders.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    folders << root;
    callEngine([&] {
        for (const QString &folder : folders)
            engine::syncFolderContents(folder.toStdString());
    });
}

} // namespace

void writeModelArchive(const QStringList &folders, const QString &path, const Progress &progress)
{
    // Regular files only, in a stable order, each under its folder's own name.
    QList<QPair<QString, QString>> files; // the file, its name in the archive
    qint64 total = 0;
    for (const QString &folder : folders) {
        const QFileInfo root(folder);
        if (!root.isDir())
            throw Error(Error::Kind::NotFound, Text::tr("%1 is not a folder.").arg(folder));
        QStringList found;
        QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            if (it.fileInfo().isFile() && !it.fileInfo().isSymLink()) {
                found << it.filePath();
                total += it.fileInfo().size();
            }
        }
        std::sort(found.begin(), found.end());
        for (const QString &file : found)
            files.append({file, root.fileName() + QLatin1Char('/') + QDir(folder).relativeFilePath(file)});
    }

    QSaveFile output(path);
    if (!output.open(QIODevice::WriteOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, output.errorString()));
    const auto failed = [&](const QString &why) {
        output.cancelWriting();
        return Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, why));
    };
    ArchivePointer archive(archive_write_new(), archive_write_free);
    if (archive_write_add_filter_gzip(archive.get()) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(archive.get()) != ARCHIVE_OK ||
        archive_write_open2(archive.get(), &output, nullptr, writeToSaveFile, nullptr, nullptr) != ARCHIVE_OK)
        throw failed(archiveError(archive.get()));
    qint64 done = 0;
    QByteArray buffer;
    for (const auto &[file, name] : files) {
        QFile input(file);
        if (!input.open(QIODevice::ReadOnly))
            throw failed(Text::tr("cannot read %1: %2").arg(file, input.errorString()));
        EntryPointer entry(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname_utf8(entry.get(), name.toUtf8().constData());
        archive_entry_set_size(entry.get(), input.size());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_mtime(entry.get(), QFileInfo(input).lastModified().toSecsSinceEpoch(), 0);
        if (archive_write_header(archive.get(), entry.get()) != ARCHIVE_OK)
            throw failed(archiveError(archive.get()));
        for (qint64 left = input.size(); left > 0;) {
            buffer = input.read(std::min(left, kChunk));
            if (buffer.isEmpty())
                throw failed(Text::tr("cannot read %1: %2").arg(file, input.errorString()));
            if (archive_write_data(archive.get(), buffer.constData(), size_t(buffer.size())) != buffer.size())
                throw failed(archiveError(archive.get()));
            left -= buffer.size();
            done += buffer.size();
            if (progress && !progress(done, total)) {
                output.cancelWriting();
                throw Error(Error::Kind::Cancelled,
                            Text::tr("Writing %1 was cancelled; nothing was written.").arg(path));
            }
        }
    }
    if (archive_write_close(archive.get()) != ARCHIVE_OK)
        throw failed(archiveError(archive.get()));
    if (!output.commit())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, output.errorString()));
    callEngine([&] { engine::syncDirectory(QFileInfo(path).absolutePath().toStdString()); });
}

void extractModelArchive(const QString &archivePath, const QString &target, const Progress &progress,
                         const ArchiveBounds &bounds)
{
    const QFileInfo archiveInfo(archivePath);
    if (!archiveInfo.isFile())
        throw Error(Error::Kind::NotFound, Text::tr("%1 is not a file.").arg(archivePath));
    if (QFileInfo::exists(target))
        throw Error(Error::Kind::Conflict,
                    Text::tr("%1 is there already; choose another folder to open the archive into.").arg(target));
    const QFileInfo targetInfo(target);
    if (!QDir().mkpath(targetInfo.absolutePath()))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(targetInfo.absolutePath()));
    QTemporaryDir staging(targetInfo.absolutePath() + QStringLiteral("/.") + targetInfo.fileName() +
                          QStringLiteral("-XXXXXX"));
    if (!staging.isValid())
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot create a folder beside %1: %2").arg(target, staging.errorString()));
    const qint64 diskBudget = QStorageInfo(staging.path()).bytesAvailable() - kDiskMargin;

    ArchivePointer archive(archive_read_new(), archive_read_free);
    archive_read_support_filter_gzip(archive.get());
    archive_read_support_format_tar(archive.get());
    if (archive_read_open_filename(archive.get(), QFile::encodeName(archivePath).constData(), 1 << 16) != ARCHIVE_OK)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is not a .tar.gz or .tar archive: %2").arg(archivePath, archiveError(archive.get())));
    const auto refuse = [&](const QString &name, const QString &why) {
        return Error(
            Error::Kind::InvalidInput,
            Text::tr("%1 cannot be opened: its entry \"%2\" %3. Nothing was extracted.").arg(archivePath, name, why));
    };
    QSet<QString> seen;
    qint64 entries = 0, written = 0;
    QByteArray buffer(int(kChunk), Qt::Uninitialized);
    struct archive_entry *entry = nullptr;
    int status = ARCHIVE_OK;
    while ((status = archive_read_next_header(archive.get(), &entry)) == ARCHIVE_OK) {
        const char *utf8 = archive_entry_pathname_utf8(entry);
        const QString name = QString::fromUtf8(utf8 ? utf8 : archive_entry_pathname(entry));
        if (++entries > bounds.entries)
            throw refuse(name, Text::tr("is one of more than %n entries, more than a model holds", nullptr,
                                        int(bounds.entries)));
        const QString relative = relativePathOf(archivePath, name);
        const auto type = archive_entry_filetype(entry);
        if (archive_entry_hardlink(entry) || type == AE_IFLNK)
            throw refuse(name, Text::tr("is a link"));
        if (type != AE_IFREG && type != AE_IFDIR)
            throw refuse(name, Text::tr("is a device, pipe or other special file"));
        if (relative.isEmpty())
            continue; // "./": the archive's own root
        if (seen.contains(relative))
            throw refuse(name, Text::tr("appears twice"));
        seen.insert(relative);
        const QString path = staging.filePath(relative);
        if (type == AE_IFDIR) {
            if (!QDir().mkpath(path))
                throw refuse(name, Text::tr("cannot be created as a folder"));
            continue;
        }
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            throw refuse(name, Text::tr("cannot be created: its folder is a file"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            throw refuse(name, Text::tr("cannot be written: %1").arg(file.errorString()));
        for (;;) {
            const la_ssize_t read = archive_read_data(archive.get(), buffer.data(), size_t(buffer.size()));
            if (read < 0)
                throw refuse(name, Text::tr("is damaged: %1").arg(archiveError(archive.get())));
            if (read == 0)
                break;
            written += read;
            const qint64 consumed = archive_filter_bytes(archive.get(), -1);
            if (double(written) > bounds.ratio * double(consumed) + double(bounds.allowance))
                throw refuse(
                    name,
                    Text::tr("expands the archive beyond %1 times its size: a decompression bomb").arg(bounds.ratio));
            if (written > diskBudget)
                throw refuse(name,
                             Text::tr("does not fit on the disk (%1 MiB free)").arg((diskBudget + kDiskMargin) >> 20));
            if (file.write(buffer.constData(), read) != read)
                throw refuse(name, Text::tr("cannot be written: %1").arg(file.errorString()));
            if (progress && !progress(consumed, archiveInfo.size()))
                throw Error(Error::Kind::Cancelled,
                            Text::tr("Opening %1 was cancelled; nothing was extracted.").arg(archivePath));
        }
        if (!file.flush())
            throw refuse(name, Text::tr("cannot be written: %1").arg(file.errorString()));
    }
    if (status != ARCHIVE_EOF)
        throw Error(
            Error::Kind::InvalidInput,
            Text::tr("%1 is not a complete .tar.gz or .tar archive: %2").arg(archivePath, archiveError(archive.get())));
    if (std::none_of(seen.begin(), seen.end(),
                     [&](const QString &relative) { return QFileInfo(staging.filePath(relative)).isFile(); }))
        throw Error(Error::Kind::InvalidInput, Text::tr("%1 holds no files.").arg(archivePath));
    syncTree(staging.path());
    if (!QDir().rename(staging.path(), target))
        throw Error(Error::Kind::Io, Text::tr("Cannot move the opened archive to %1.").arg(target));
    staging.setAutoRemove(false);
    callEngine([&] { engine::syncDirectory(targetInfo.absolutePath().toStdString()); });
}

} // namespace mtm::core
