// Checks a byte stream for valid UTF-8 chunk by chunk, remembering where each broken sequence starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace mtm::core {

class Utf8Validator
{
public:
    // Feeds the next bytes of the stream; offsets are counted from the first byte ever fed.
    void feed(const char *data, std::size_t size);
    // Call at the end of the stream: an unfinished sequence there is invalid too.
    void finish();

    // Offsets of invalid sequences found so far (at most kMaxKept, oldest first).
    std::deque<std::int64_t> &invalidOffsets() { return m_invalid; }
    std::int64_t invalidCount() const { return m_invalidCount; }

    // The first invalid offset in [begin, end), or -1; drops the offsets before end (records come in order).
    std::int64_t takeFirstInvalidBefore(std::int64_t begin, std::int64_t end);

    static constexpr std::size_t kMaxKept = 100000;

private:
    void reportInvalid(std::int64_t offset);

    std::int64_t m_offset = 0;        // offset of the next byte to be fed
    std::int64_t m_sequenceStart = 0; // offset of the lead byte of the sequence in progress
    int m_needed = 0;                 // continuation bytes still expected
    unsigned char m_low = 0x80, m_high = 0xBF;
    std::deque<std::int64_t> m_invalid;
    std::int64_t m_invalidCount = 0;
};

} // namespace mtm::core
