#include "data/DuplicateFinder.h"

#include <cstring>

namespace mtm::core {
namespace {

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

// A simple multiply-mix hash over 8-byte words; two seeds give two independent-enough values.
std::uint64_t hashBytes(std::string_view bytes, std::uint64_t seed)
{
    std::uint64_t h = seed ^ (bytes.size() * 0x9E3779B97F4A7C15ULL);
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        h = mix(h ^ word) + 0x9E3779B97F4A7C15ULL;
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    return mix(h ^ tail ^ (seed << 1));
}

} // namespace

std::uint32_t DuplicateFinder::check(std::string_view normalized, std::uint32_t recordNumber)
{
    if ((m_used + 1) * 10 > m_slots.size() * 7)
        grow();
    const std::uint64_t hash = hashBytes(normalized, 0x243F6A8885A308D3ULL);
    const auto check = static_cast<std::uint32_t>(hashBytes(normalized, 0x13198A2E03707344ULL));
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot &slot = m_slots[i];
        if (slot.record == 0) {
            slot = Slot{hash, check, recordNumber};
            ++m_used;
            return 0;
        }
        if (slot.hash == hash && slot.check == check)
            return slot.record;
    }
}

void DuplicateFinder::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    const std::size_t mask = m_slots.size() - 1;
    for (const Slot &slot : old) {
        if (slot.record == 0)
            continue;
        std::size_t i = slot.hash & mask;
        while (m_slots[i].record != 0)
            i = (i + 1) & mask;
        m_slots[i] = slot;
    }
}

} // namespace mtm::core
