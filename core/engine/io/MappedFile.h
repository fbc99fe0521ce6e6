// A read-only memory map of a whole file, for the large model files the engine reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mtm::engine {

class MappedFile
{
public:
    explicit MappedFile(const std::string &path); // throws EngineError naming the file and the reason
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string &path() const { return m_path; }
    // Gives back the pages that lie wholly within [begin, end): read once and copied, they need not stay resident
    // (reading them again maps them in from the file again). Keeps a model's load from holding the file twice.
    void release(std::size_t begin, std::size_t end) const;

private:
    std::string m_path;
    const std::uint8_t *m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace mtm::engine
