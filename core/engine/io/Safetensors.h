// safetensors files: a reader that validates everything before it hands out a tensor, and a writer
// (8-byte aligned, space-padded header, written to a temporary name and renamed into place).
#pragma once

#include "engine/io/MappedFile.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

struct SafetensorsEntry
{
    std::string name;
    std::string dtype; // "F32", "BF16", ...
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // byte offsets relative to the start of the data
    std::uint64_t end = 0;
};

class SafetensorsFile
{
public:
    static constexpr std::uint64_t kMaxHeaderBytes = 100000000;

    // Maps and validates the file; throws EngineError saying what is wrong and where.
    explicit SafetensorsFile(const std::string &path);

    const std::string &path() const { return m_file.path(); }
    const std::vector<SafetensorsEntry> &entries() const { return m_entries; } // in file order
    const SafetensorsEntry *find(const std::string &name) const;
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

    // A copy of the tensor on the CPU, in its stored dtype (the file's pages it was read from are given back). Throws
    // for unknown names and dtypes LibTorch lacks.
    torch::Tensor load(const std::string &name) const;

private:
    MappedFile m_file;
    std::uint64_t m_dataStart = 0;
    std::vector<SafetensorsEntry> m_entries;
    std::map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

// Bytes per element of a safetensors dtype; 0 for a name that is not one.
std::size_t safetensorsDtypeSize(const std::string &dtype);
std::string safetensorsDtypeOf(torch::ScalarType type); // throws for types safetensors lacks

// Writes the tensors (any device, made contiguous on the CPU) in the given order.
void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                      const std::map<std::string, std::string> &metadata = {});

} // namespace mtm::engine
