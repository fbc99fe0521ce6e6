// Checks a byte stream for valid UTF-8 chunk by chunk, remembering where each broken sequence starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace mtm::core {

class Utf8Validator
{
public:
    // Feeds the next bytes of the stream; offsets are counted from the first byte ever fed.
    void feed(const char *data, std::size_t size);
    // Call at the end of the stream: an unfinished sequence there is invalid too.
    void finish();

    // The first invalid offset in [begin, end), or -1; forgets the offsets before end (records come in order).
    std::int64_t takeFirstInvalidBefore(std::int64_t begin, std::int64_t end);

private:
    // Where invalid sequences start, one bit per byte, for the blocks of the stream that have any: memory is an
    // eighth of the bytes fed and not yet taken at most, however many invalid bytes there are.
    static constexpr int kBlockBits = 16;
    static constexpr std::size_t kBlockWords = (std::size_t(1) << kBlockBits) / 64;
    struct Block
    {
        std::int64_t index;        // offset >> kBlockBits
        std::size_t firstLiveWord; // words before it are all zero
        std::vector<std::uint64_t> bits;
    };

    void reportInvalid(std::int64_t offset);

    std::int64_t m_offset = 0;        // offset of the next byte to be fed
    std::int64_t m_sequenceStart = 0; // offset of the lead byte of the sequence in progress
    int m_needed = 0;                 // continuation bytes still expected
    unsigned char m_low = 0x80, m_high = 0xBF;
    std::deque<Block> m_invalid; // in offset order: invalid sequences are found front to back
};

} // namespace mtm::core
