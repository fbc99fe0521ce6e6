// Finds records seen before, by a 96-bit hash of their normalised text, in about 16 bytes per record.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mtm::core {

class DuplicateFinder
{
public:
    // Remembers the record; returns the number of the earlier identical record, or 0 when it is new.
    std::uint32_t check(std::string_view normalized, std::uint32_t recordNumber);

private:
    struct Slot
    {
        std::uint64_t hash = 0;
        std::uint32_t check = 0;
        std::uint32_t record = 0; // 0: empty
    };
    void grow();

    std::vector<Slot> m_slots = std::vector<Slot>(1024);
    std::size_t m_used = 0;
};

} // namespace mtm::core
