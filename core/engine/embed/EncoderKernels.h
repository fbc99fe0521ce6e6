// Fused CPU kernels for the encoder's bfloat16 inference: passes over memory that LibTorch would make one operation
// at a time (a softmax, a bias then GELU, a residual sum then LayerNorm then a bfloat16 copy) made once, in float32
// arithmetic, vectorised by the compiler for the CPU it runs on (AVX-512, AVX2 or plain x86-64). bfloat16 values
// are passed as their 16-bit patterns; rounding to bfloat16 is to nearest, ties to even.
#pragma once

#include <cstdint>

namespace mtm::engine::kernels {

// Each of `rows` rows of `width` values becomes its softmax. -inf (masked) gives exactly 0.
void softmaxRows(std::uint16_t *values, std::int64_t rows, std::int64_t width);

// values[r][i] = gelu(values[r][i] + bias[i]) with the exact (erf) GELU; the erf is approximated to within 2e-7,
// far below bfloat16's resolution.
void biasGeluRows(std::uint16_t *values, const std::uint16_t *bias, std::int64_t rows, std::int64_t width);

// residual[r] = LayerNorm(residual[r] + added[r] + bias) · weight + shift, in float32; out[r] = the same rounded to
// bfloat16 (the next product's input).
void residualNormRows(float *residual, const std::uint16_t *added, const std::uint16_t *bias, const float *weight,
                      const float *shift, double eps, std::uint16_t *out, std::int64_t rows, std::int64_t width);

} // namespace mtm::engine::kernels
