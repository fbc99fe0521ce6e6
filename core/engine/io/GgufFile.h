// Reads GGUF files (v2 and v3, little-endian): the metadata key/value pairs — model settings and tokenizer
// vocabularies — and the tensor directory, validating every length and offset against the file.
#pragma once

#include "engine/io/MappedFile.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mtm::engine {

enum class GgufType : std::uint32_t {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
};

// One metadata value. An array is kept as a view of the file (its element type, count and where its elements
// start) and decoded only when asked for, so that memory stays proportional to what the caller uses rather
// than to what the file claims.
struct GgufValue
{
    GgufType type = GgufType::U8;
    // Scalars.
    std::int64_t integer = 0; // all integer types and bool (u64 above INT64_MAX is refused)
    double real = 0;          // F32 and F64
    std::string text;         // String
    // Arrays.
    GgufType elementType = GgufType::U8;
    std::uint64_t arraySize = 0;
    std::uint64_t arrayStart = 0; // byte offset of the first element in the file

    bool isArray() const { return type == GgufType::Array; }
    bool isInteger() const
    {
        return type != GgufType::F32 && type != GgufType::F64 && type != GgufType::String && type != GgufType::Array;
    }
};

struct GgufTensorInfo
{
    std::string name;
    std::vector<std::uint64_t> dims; // ggml order: dims[0] is the innermost
    std::uint32_t type = 0;          // ggml_type
    std::uint64_t offset = 0;        // relative to the data section
    std::uint64_t bytes = 0;
};

class GgufFile
{
public:
    explicit GgufFile(const std::string &path); // throws EngineError naming the problem and its byte offset

    const std::string &path() const { return m_file.path(); }
    std::uint32_t version() const { return m_version; }
    const std::map<std::string, GgufValue> &metadata() const { return m_metadata; }
    const GgufValue *find(const std::string &key) const;

    // Typed access; throw EngineError when the key is missing or of another type. Arrays are decoded from the
    // file on each call; arraySize says how large one is before asking for it.
    std::string string(const std::string &key) const;
    std::int64_t integer(const std::string &key) const;
    double real(const std::string &key) const; // F32, F64 or an integer
    std::uint64_t arraySize(const std::string &key) const;
    std::vector<std::string> stringArray(const std::string &key) const;
    std::vector<std::int64_t> integerArray(const std::string &key) const;
    std::vector<double> realArray(const std::string &key) const;

    const std::vector<GgufTensorInfo> &tensors() const { return m_tensors; }
    const std::uint8_t *tensorData(const GgufTensorInfo &tensor) const
    {
        return m_file.data() + m_dataOffset + tensor.offset;
    }
    std::uint64_t alignment() const { return m_alignment; }

    // Bytes a tensor of this ggml type and element count takes; 0 for a type this reader does not know, or when
    // the count does not fill whole blocks or the byte count would not fit in 64 bits.
    static std::uint64_t tensorBytes(std::uint32_t ggmlType, std::uint64_t elements);

private:
    const GgufValue &require(const std::string &key, const char *what) const;

    MappedFile m_file;
    std::uint32_t m_version = 0;
    std::map<std::string, GgufValue> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    std::uint64_t m_alignment = 32;
    std::uint64_t m_dataOffset = 0;
};

} // namespace mtm::engine
