// Hands a fuzzer's input to code that reads files: the bytes are written to one file in memory (/dev/shm) per
// process, named with the extension the reader expects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace mtm::fuzz {

inline std::string inputFile(const std::uint8_t *data, std::size_t size, const std::string &name)
{
    static const std::string folder = [] {
        std::string pattern = "/dev/shm/mtm-fuzz-XXXXXX";
        return ::mkdtemp(pattern.data()) ? pattern : std::string("/tmp");
    }();
    const std::string path = folder + "/" + name;
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (!file)
        std::abort();
    if (size > 0 && std::fwrite(data, 1, size, file) != size)
        std::abort();
    std::fclose(file);
    return path;
}

} // namespace mtm::fuzz
