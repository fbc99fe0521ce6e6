// A model folder as a .tar.gz (the user guide's "download": model_job_<id>.tar.gz) and such an archive opened
// again. An archive from elsewhere can name any path, hold links and devices, or expand a thousandfold, so
// opening one writes only plain files and folders, only inside a new folder, and only within bounds.
#pragma once

#include "Progress.h"

#include <QString>

namespace mtm::core {

// Writes the regular files under each folder (recursively; links, devices and the like are left out) into a
// gzip-compressed tar at path, each named under its folder's own name ("lora_model/adapter_config.json"), whole
// or not at all. progress(bytes read, bytes in all). Throws Error (NotFound, Io, Cancelled).
void writeModelArchive(const QStringList &folders, const QString &path, const Progress &progress);

// The bounds an archive must keep when opened: it may expand to at most ratio times the bytes read from it
// (plus a small allowance), and hold at most entries entries.
struct ArchiveBounds
{
    double ratio = 100;
    qint64 allowance = 16 << 20;
    qint64 entries = 100000;
};

// Extracts the archive's files and folders into target, which must not exist yet. Refuses, naming the archive
// and the entry: absolute paths, "..", links, devices and other special files, a name given twice, an archive
// that is not a tar (plain or gzip-compressed), one that breaks the bounds or does not fit on the disk. Writes
// into a temporary folder beside target, renamed to target only when everything checked out; on any error or
// cancel nothing is left. progress(archive bytes read, archive size). Throws Error.
void extractModelArchive(const QString &archive, const QString &target, const Progress &progress,
                         const ArchiveBounds &bounds = {});

} // namespace mtm::core
