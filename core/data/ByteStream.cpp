#include "data/ByteStream.h"

#include "Error.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ByteStream)
};

constexpr std::size_t kChunkSize = 1 << 20;
} // namespace

ByteStream::ByteStream(const QString &path, ChunkObserver observer)
    : m_observer(std::move(observer))
    , m_buffer(kChunkSize)
{
    m_file = std::fopen(QFile::encodeName(path).constData(), "rb");
    if (!m_file)
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    m_size = QFileInfo(path).size();
}

ByteStream::~ByteStream()
{
    if (m_file)
        std::fclose(m_file);
}

bool ByteStream::refill()
{
    if (m_eof)
        return m_pos < m_end;
    // Keep the unread bytes, move them to the front, and read behind them.
    const std::size_t unread = m_end - m_pos;
    if (m_pos > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_pos, unread);
        m_bufferOffset += static_cast<std::int64_t>(m_pos);
        m_pos = 0;
        m_end = unread;
    }
    if (m_buffer.size() - m_end < kChunkSize)
        m_buffer.resize(m_end + kChunkSize);
    const std::size_t got = std::fread(m_buffer.data() + m_end, 1, kChunkSize, m_file);
    if (got == 0) {
        if (std::ferror(m_file))
            throw Error(Error::Kind::Io, Text::tr("Reading the file failed at byte %1: %2")
                                             .arg(position())
                                             .arg(QString::fromLocal8Bit(std::strerror(errno))));
        m_eof = true;
        m_utf8.finish();
        return m_pos < m_end;
    }
    m_utf8.feed(m_buffer.data() + m_end, got);
    if (m_observer)
        m_observer(m_buffer.data() + m_end, got);
    m_end += got;
    return true;
}

bool ByteStream::readLine(std::string &line, std::size_t maxLength, bool &tooLong)
{
    line.clear();
    tooLong = false;
    if (m_pos == m_end && !refill())
        return false;
    for (;;) {
        const char *start = m_buffer.data() + m_pos;
        const auto *newline = static_cast<const char *>(std::memchr(start, '\n', m_end - m_pos));
        const std::size_t length = newline ? static_cast<std::size_t>(newline - start) : m_end - m_pos;
        if (!tooLong) {
            if (line.size() + length > maxLength) {
                tooLong = true;
                line.clear();
            } else {
                line.append(start, length);
            }
        }
        m_pos += length;
        if (newline) {
            ++m_pos;
            return true;
        }
        if (!refill())
            return true; // the last line has no newline
    }
}

void ByteStream::skipUtf8Bom()
{
    if (position() != 0)
        return;
    if (peek() == 0xEF && m_end - m_pos >= 3 && static_cast<unsigned char>(m_buffer[m_pos + 1]) == 0xBB &&
        static_cast<unsigned char>(m_buffer[m_pos + 2]) == 0xBF)
        m_pos += 3;
}

void ByteStream::drain()
{
    m_pos = m_end;
    while (refill())
        m_pos = m_end;
}

} // namespace mtm::core
