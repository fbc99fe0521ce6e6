#include "data/Utf8Validator.h"

#include <cstring>

namespace mtm::core {

void Utf8Validator::reportInvalid(std::int64_t offset)
{
    const std::int64_t index = offset >> kBlockBits;
    if (m_invalid.empty() || m_invalid.back().index != index)
        m_invalid.push_back({index, 0, std::vector<std::uint64_t>(kBlockWords, 0)});
    const std::int64_t bit = offset & ((std::int64_t(1) << kBlockBits) - 1);
    m_invalid.back().bits[static_cast<std::size_t>(bit / 64)] |= std::uint64_t(1) << (bit % 64);
}

void Utf8Validator::feed(const char *data, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    std::size_t i = 0;
    while (i < size) {
        if (m_needed == 0) {
            // Fast path: eight ASCII bytes at a time.
            while (i + 8 <= size) {
                std::uint64_t word;
                std::memcpy(&word, bytes + i, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            if (i >= size)
                break;
            const unsigned char b = bytes[i];
            const std::int64_t here = m_offset + static_cast<std::int64_t>(i);
            ++i;
            if (b < 0x80)
                continue;
            m_sequenceStart = here;
            m_low = 0x80;
            m_high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                m_needed = 1;
            } else if (b == 0xE0) {
                m_needed = 2;
                m_low = 0xA0; // no overlong three-byte forms
            } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
                m_needed = 2;
            } else if (b == 0xED) {
                m_needed = 2;
                m_high = 0x9F; // no UTF-16 surrogates
            } else if (b == 0xF0) {
                m_needed = 3;
                m_low = 0x90; // no overlong four-byte forms
            } else if (b >= 0xF1 && b <= 0xF3) {
                m_needed = 3;
            } else if (b == 0xF4) {
                m_needed = 3;
                m_high = 0x8F; // nothing above U+10FFFF
            } else {
                reportInvalid(here);
            }
        } else {
            const unsigned char b = bytes[i];
            if (b >= m_low && b <= m_high) {
                --m_needed;
                m_low = 0x80;
                m_high = 0xBF;
                ++i;
            } else {
                reportInvalid(m_sequenceStart);
                m_needed = 0; // and read b again as the start of a new sequence
            }
        }
    }
    m_offset += static_cast<std::int64_t>(size);
}

void Utf8Validator::finish()
{
    if (m_needed > 0) {
        reportInvalid(m_sequenceStart);
        m_needed = 0;
    }
}

std::int64_t Utf8Validator::takeFirstInvalidBefore(std::int64_t begin, std::int64_t end)
{
    std::int64_t found = -1;
    while (!m_invalid.empty()) {
        Block &block = m_invalid.front();
        const std::int64_t blockStart = block.index << kBlockBits;
        if (blockStart >= end)
            break;
        // Clear every bit below end, noting the first one at or after begin.
        for (std::size_t w = block.firstLiveWord; w < kBlockWords; ++w) {
            const std::int64_t wordStart = blockStart + static_cast<std::int64_t>(w) * 64;
            if (wordStart >= end)
                break;
            std::uint64_t taken = block.bits[w];
            if (end - wordStart < 64)
                taken &= (std::uint64_t(1) << (end - wordStart)) - 1;
            if (found < 0 && taken != 0) {
                std::uint64_t candidates = taken;
                if (begin > wordStart)
                    candidates &= begin - wordStart < 64 ? ~((std::uint64_t(1) << (begin - wordStart)) - 1) : 0;
                if (candidates != 0)
                    found = wordStart + __builtin_ctzll(candidates);
            }
            block.bits[w] &= ~taken;
            if (block.bits[w] == 0 && w == block.firstLiveWord)
                ++block.firstLiveWord;
        }
        if (block.firstLiveWord < kBlockWords)
            break;
        m_invalid.pop_front();
    }
    return found;
}

} // namespace mtm::core
