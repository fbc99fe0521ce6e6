// The one rule for writing what users keep — models, checkpoints, datasets — so that a crash or a power loss
// leaves either the old version or the new one, whole: write under a temporary name, flush the file to disk,
// rename it into place, flush the folder that holds it. A folder is replaced by exchanging it with the new one
// in one step, never by deleting the old one first.
#pragma once

#include <string>

namespace mtm::engine {

// Flushes a file's contents, or a folder's list of entries, to disk. Throw EngineError (Io) naming the path.
void syncFile(const std::string &path);
void syncDirectory(const std::string &path);
// Flushes every regular file in a folder (not its subfolders), then the folder itself.
void syncFolderContents(const std::string &folder);

// Copies a file and flushes the copy; an existing target is replaced.
void copyFileDurably(const std::string &from, const std::string &to);

// Makes the complete folder `staging` appear at `target` in one step and flushes their parent: a target already
// there is exchanged with it (renameat2 RENAME_EXCHANGE) and then deleted, so that at every moment `target` is
// either the old folder or the new one. Both must be in the same parent folder. Throws EngineError (Io).
void replaceFolder(const std::string &staging, const std::string &target);

} // namespace mtm::engine
