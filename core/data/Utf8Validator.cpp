#include "data/Utf8Validator.h"

#include <cstring>

namespace mtm::core {

void Utf8Validator::reportInvalid(std::int64_t offset)
{
    ++m_invalidCount;
    if (m_invalid.size() < kMaxKept)
        m_invalid.push_back(offset);
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
    while (!m_invalid.empty() && m_invalid.front() < end) {
        if (found < 0 && m_invalid.front() >= begin)
            found = m_invalid.front();
        m_invalid.pop_front();
    }
    return found;
}

} // namespace mtm::core
