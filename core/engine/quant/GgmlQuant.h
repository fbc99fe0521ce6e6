// The ggml tensor types a GGUF file stores weights in, and the conversion of float32 rows to and from them:
// F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K and Q6_K (block layouts in ../shared/reference/formats.md §7). The
// quantisers choose scales the way ggml's reference quantisers do (no importance matrix), so that a file
// written here holds the same bytes llama.cpp's own tools would write for the same values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mtm::engine {

enum class GgmlType : std::uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    BF16 = 30,
};

// How every ggml type a GGUF file may hold lays out its data (the ones above, and the others a reader meets:
// Q4_1, Q8_1, Q2_K, Q3_K, Q8_K, the integer types, F64): values per block and bytes per block.
struct GgmlBlockLayout
{
    std::uint64_t values;
    std::uint64_t bytes;
};
std::optional<GgmlBlockLayout> ggmlBlockLayout(std::uint32_t ggmlType);
// The type a ggml_type id names when it is one this file converts; nullopt for the others.
std::optional<GgmlType> ggmlTypeOf(std::uint32_t ggmlType);

// Values per block and bytes per block of a type (1 and the element size for F32, F16, BF16).
std::size_t ggmlBlockSize(GgmlType type);
std::size_t ggmlBlockBytes(GgmlType type);
std::string ggmlTypeName(GgmlType type); // "Q4_K", ...

// `count` values (a multiple of the block size) to the type's bytes, appended to out or written to data (which
// holds quantizedBytes(count, type)); and back. Blocks are independent: parts of a row quantise alike apart.
void quantizeValues(const float *values, std::size_t count, GgmlType type, std::string &out);
void quantizeValues(const float *values, std::size_t count, GgmlType type, std::uint8_t *data);
std::size_t quantizedBytes(std::size_t count, GgmlType type); // throws when count fills no whole blocks
void dequantizeValues(const std::uint8_t *data, std::size_t count, GgmlType type, float *values);

// IEEE half and bfloat16, rounded to nearest even as ggml rounds them.
std::uint16_t floatToHalf(float value);
float halfToFloat(std::uint16_t half);
std::uint16_t floatToBfloat16(float value);
float bfloat16ToFloat(std::uint16_t value);

} // namespace mtm::engine
