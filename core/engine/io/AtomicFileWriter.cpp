#include "engine/io/AtomicFileWriter.h"

#include "engine/EngineError.h"
#include "engine/io/DurableFiles.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

namespace mtm::engine {

AtomicFileWriter::AtomicFileWriter(std::string path)
    : m_path(std::move(path))
{
    std::string pattern = m_path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw EngineError("Cannot create a file next to " + m_path + ": " + std::strerror(errno),
                          EngineError::Kind::Io);
    m_temporaryPath = pattern;
    ::fchmod(fd, 0644); // mkstemp makes the file private; the result is an ordinary file
    m_file = ::fdopen(fd, "wb");
    if (!m_file) {
        ::close(fd);
        ::unlink(m_temporaryPath.c_str());
        throw EngineError("Cannot write " + m_temporaryPath + ": " + std::strerror(errno), EngineError::Kind::Io);
    }
}

AtomicFileWriter::~AtomicFileWriter()
{
    if (m_file) {
        std::fclose(m_file);
        ::unlink(m_temporaryPath.c_str());
    }
}

void AtomicFileWriter::write(const void *data, std::size_t size)
{
    if (size > 0 && std::fwrite(data, 1, size, m_file) != size)
        throw EngineError("Cannot write " + m_path + ": " + std::strerror(errno), EngineError::Kind::Io);
}

void AtomicFileWriter::commit()
{
    if (std::fflush(m_file) != 0 || ::fsync(::fileno(m_file)) != 0)
        throw EngineError("Cannot write " + m_path + ": " + std::strerror(errno), EngineError::Kind::Io);
    std::fclose(m_file);
    m_file = nullptr;
    if (std::rename(m_temporaryPath.c_str(), m_path.c_str()) != 0) {
        const int error = errno;
        ::unlink(m_temporaryPath.c_str());
        throw EngineError("Cannot move " + m_temporaryPath + " to " + m_path + ": " + std::strerror(error),
                          EngineError::Kind::Io);
    }
    const std::string folder = std::filesystem::path(m_path).parent_path().string();
    syncDirectory(folder.empty() ? "." : folder);
}

void writeFileAtomically(const std::string &path, const std::string &bytes)
{
    AtomicFileWriter file(path);
    file.write(bytes);
    file.commit();
}

} // namespace mtm::engine
