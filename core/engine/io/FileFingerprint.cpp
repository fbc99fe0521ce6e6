#include "engine/io/FileFingerprint.h"

#include "engine/EngineError.h"
#include "engine/io/MappedFile.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace mtm::engine {

std::string fileFingerprint(const std::string &path)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    std::size_t size = 0;
    std::error_code error;
    const auto bytes = std::filesystem::file_size(path, error);
    if (error)
        throw EngineError("Cannot read " + path + ": " + error.message());
    if (bytes > 0) { // an empty file cannot be mapped
        const MappedFile file(path);
        for (std::size_t i = 0; i < file.size(); ++i) {
            hash ^= file.data()[i];
            hash *= 0x100000001b3ULL;
        }
        size = file.size();
    }
    char text[64];
    std::snprintf(text, sizeof text, "fnv1a64:%016llx:%zu", static_cast<unsigned long long>(hash), size);
    return text;
}

} // namespace mtm::engine
