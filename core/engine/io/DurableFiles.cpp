#include "engine/io/DurableFiles.h"

#include "engine/EngineError.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string &what, const std::string &path, int error)
{
    throw EngineError("Cannot " + what + " " + path + ": " + std::strerror(error), EngineError::Kind::Io);
}

void sync(const std::string &path, int flags)
{
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        fail("open", path, errno);
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail("flush to disk", path, error);
    }
    ::close(fd);
}

std::string parentOf(const std::string &path)
{
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

} // namespace

void syncFile(const std::string &path)
{
    sync(path, O_RDONLY);
}

void syncDirectory(const std::string &path)
{
    sync(path, O_RDONLY | O_DIRECTORY);
}

void syncFolderContents(const std::string &folder)
{
    std::error_code error;
    for (const fs::directory_entry &entry : fs::directory_iterator(folder, error)) {
        if (entry.is_regular_file(error))
            syncFile(entry.path().string());
    }
    if (error)
        fail("list", folder, error.value());
    syncDirectory(folder);
}

void copyFileDurably(const std::string &from, const std::string &to)
{
    std::error_code error;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
    if (error)
        throw EngineError("Cannot copy " + from + " to " + to + ": " + error.message(), EngineError::Kind::Io);
    syncFile(to);
}

void replaceFolder(const std::string &staging, const std::string &target)
{
    syncDirectory(staging);
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
        // staging now holds the old folder.
        syncDirectory(parentOf(target));
        std::error_code ignored;
        fs::remove_all(staging, ignored);
        return;
    }
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS)
        fail("replace", target, errno);
    // No target yet (ENOENT), or a file system without exchange: set the old one aside first, then move in.
    const std::string aside = target + ".old";
    std::error_code error;
    fs::remove_all(aside, error);
    const bool hadTarget = fs::exists(target, error);
    if (hadTarget && ::rename(target.c_str(), aside.c_str()) != 0)
        fail("move aside", target, errno);
    if (::rename(staging.c_str(), target.c_str()) != 0) {
        const int failure = errno;
        if (hadTarget)
            ::rename(aside.c_str(), target.c_str());
        fail("move " + staging + " to", target, failure);
    }
    syncDirectory(parentOf(target));
    fs::remove_all(aside, error);
}

} // namespace mtm::engine
