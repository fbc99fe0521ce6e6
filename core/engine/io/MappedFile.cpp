#include "engine/io/MappedFile.h"

#include "engine/EngineError.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mtm::engine {

MappedFile::MappedFile(const std::string &path)
    : m_path(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw EngineError("Cannot open " + path + ": " + std::strerror(errno));
    struct stat info
    {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw EngineError("Cannot read " + path + ": it is not a regular file");
    }
    m_size = static_cast<std::size_t>(info.st_size);
    if (m_size > 0) {
        void *mapped = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            throw EngineError("Cannot map " + path + " into memory: " + std::strerror(error), EngineError::Kind::Io);
        }
        m_data = static_cast<const std::uint8_t *>(mapped);
    }
    ::close(fd);
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<std::uint8_t *>(m_data), m_size);
}

void MappedFile::release(std::size_t begin, std::size_t end) const
{
    const auto page = std::size_t(::sysconf(_SC_PAGESIZE));
    const std::size_t first = (begin + page - 1) / page * page, last = std::min(end, m_size) / page * page;
    if (m_data && first < last)
        ::madvise(const_cast<std::uint8_t *>(m_data) + first, last - first, MADV_DONTNEED);
}

} // namespace mtm::engine
