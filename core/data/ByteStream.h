// Reads a file front to back in large chunks for the record readers. Every chunk read is also checked as
// UTF-8 and shown to an observer (the importer copies and hashes the original file that way).
#pragma once

#include "data/Utf8Validator.h"

#include <QString>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace mtm::core {

class ByteStream
{
public:
    using ChunkObserver = std::function<void(const char *data, std::size_t size)>;

    // Throws core::Error when the file cannot be opened.
    explicit ByteStream(const QString &path, ChunkObserver observer = {});
    ~ByteStream();
    ByteStream(const ByteStream &) = delete;
    ByteStream &operator=(const ByteStream &) = delete;

    // The next byte (0-255), or -1 at the end of the file.
    int get()
    {
        if (m_pos == m_end && !refill())
            return -1;
        return static_cast<unsigned char>(m_buffer[m_pos++]);
    }
    int peek()
    {
        if (m_pos == m_end && !refill())
            return -1;
        return static_cast<unsigned char>(m_buffer[m_pos]);
    }

    // Reads up to and excluding the next '\n' (or the end) into line; false when nothing is left.
    // A line longer than maxLength is not kept: line is cleared and tooLong set, the stream moves past it.
    bool readLine(std::string &line, std::size_t maxLength, bool &tooLong);

    // Skips a UTF-8 byte order mark at the very start.
    void skipUtf8Bom();

    std::int64_t position() const { return m_bufferOffset + static_cast<std::int64_t>(m_pos); }
    std::int64_t size() const { return m_size; }
    Utf8Validator &utf8() { return m_utf8; }

    // Reads the rest of the file so that the observer and the UTF-8 check have seen every byte.
    void drain();

private:
    bool refill(); // false at the end of the file

    std::FILE *m_file = nullptr;
    ChunkObserver m_observer;
    Utf8Validator m_utf8;
    std::vector<char> m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::int64_t m_bufferOffset = 0; // file offset of m_buffer[0]
    std::int64_t m_size = 0;
    bool m_eof = false;
};

} // namespace mtm::core
