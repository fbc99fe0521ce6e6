// 4-bit NormalFloat (NF4) as bitsandbytes and QLoRA define it: blocks of 64 weights, each scaled by its absolute
// maximum and mapped to the nearest of 16 codes; two codes per byte, the first in the high nibble. The block
// scales are themselves quantised (double quantisation): their mean is removed and they are stored as 8-bit
// codes in blocks of 256, each block with one float32 scale.
#pragma once

#include <torch/types.h>

#include <array>
#include <cstdint>
#include <vector>

namespace mtm::engine {

// The 16 NF4 codes, index 0 to 15.
const std::array<float, 16> &nf4Codebook();

struct Nf4Tensor
{
    std::vector<std::int64_t> shape;
    torch::Tensor codes;          // uint8 [elements / 2]
    torch::Tensor scaleCodes;     // uint8 [blocks]: the block scales, quantised
    torch::Tensor scaleFactors;   // float32 [ceil(blocks / 256)]: one per 256 block scales
    float scaleMean = 0;          // subtracted from the block scales before quantising them
    static constexpr std::int64_t kBlock = 64;
    static constexpr std::int64_t kScaleBlock = 256;

    std::int64_t numel() const;
    std::int64_t bytes() const; // memory taken
};

// Quantises a weight whose element count is a multiple of 64 (every projection of the supported models).
Nf4Tensor quantizeNf4(const torch::Tensor &weight);
// The weight again, in dtype, on the device of the codes.
torch::Tensor dequantizeNf4(const Nf4Tensor &tensor, torch::Dtype dtype);
// The block scales after their own quantisation and back (what dequantisation uses).
torch::Tensor nf4BlockScales(const Nf4Tensor &tensor);

} // namespace mtm::engine
