#include "engine/embed/EncoderKernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

// This file is compiled with -O3 -fopenmp (core/engine/CMakeLists.txt): rows are shared out over LibTorch's OpenMP
// threads (as many as at::set_num_threads gave the calling thread) and the `omp simd` loops are vectorised with
// the reductions they name. On x86-64 each kernel is built for AVX-512, for AVX2 and for the baseline, and the
// loader picks the best the CPU supports.
#if defined(__x86_64__) && defined(__GNUC__)
#define MTM_CPU_LEVELS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MTM_CPU_LEVELS
#endif

namespace mtm::engine::kernels {
namespace {

constexpr std::int64_t rowsPerRun = 64;

inline float fromBf16(std::uint16_t value)
{
    const std::uint32_t bits = std::uint32_t(value) << 16;
    float result;
    std::memcpy(&result, &bits, sizeof result);
    return result;
}

inline std::uint16_t toBf16(float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return std::uint16_t((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16); // to nearest, ties to even (no NaN here)
}

// bfloat16 values as float32, for a row's worth of bias read once per run of rows.
std::vector<float> widened(const std::uint16_t *values, std::int64_t count)
{
    std::vector<float> result(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i)
        result[std::size_t(i)] = fromBf16(values[i]);
    return result;
}

// e^x for x ≤ 0, relative error ~2e-7: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^6, 2^n
// put into the exponent bits. Below -87 (and for -inf) exactly 0.
inline float expNonPositive(float x)
{
    const float clamped = x < -87.0f ? -87.0f : x;
    const float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f; // round to nearest integer
    const float r = (clamped - n * 0.693145751953125f) - n * 1.42860682030941723212e-6f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const std::int32_t bits = (std::int32_t(n) + 127) << 23;
    float twoToN;
    std::memcpy(&twoToN, &bits, sizeof twoToN);
    return x < -87.0f ? 0.0f : p * twoToN;
}

// The exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)), with erf by Abramowitz and Stegun 7.1.26 (error ≤ 1.5e-7).
inline float gelu(float x)
{
    const float z = std::fabs(x) * 0.70710678118654752f;
    const float t = 1.0f / (1.0f + 0.3275911f * z);
    const float poly =
        ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
    const float erfAbs = 1.0f - poly * expNonPositive(-z * z);
    return 0.5f * x * (1.0f + std::copysign(erfAbs, x));
}

MTM_CPU_LEVELS void softmaxRun(std::uint16_t *values, std::int64_t rows, std::int64_t width)
{
    std::vector<float> row(static_cast<std::size_t>(width));
    float *r = row.data();
    for (std::int64_t index = 0; index < rows; ++index) {
        std::uint16_t *out = values + index * width;
        float largest = -INFINITY;
#pragma omp simd reduction(max : largest)
        for (std::int64_t i = 0; i < width; ++i) {
            r[i] = fromBf16(out[i]);
            largest = r[i] > largest ? r[i] : largest;
        }
        float sum = 0;
#pragma omp simd reduction(+ : sum)
        for (std::int64_t i = 0; i < width; ++i) {
            r[i] = expNonPositive(r[i] - largest);
            sum += r[i];
        }
        const float inverse = 1.0f / sum;
#pragma omp simd
        for (std::int64_t i = 0; i < width; ++i)
            out[i] = toBf16(r[i] * inverse);
    }
}

MTM_CPU_LEVELS void biasGeluRun(std::uint16_t *values, const std::uint16_t *bias, std::int64_t rows, std::int64_t width)
{
    const std::vector<float> biasValues = widened(bias, width);
    std::vector<float> row(static_cast<std::size_t>(width));
    const float *b = biasValues.data();
    float *r = row.data();
    for (std::int64_t index = 0; index < rows; ++index) {
        std::uint16_t *out = values + index * width;
        // Two loops: GCC vectorises neither half when they are one.
#pragma omp simd
        for (std::int64_t i = 0; i < width; ++i)
            r[i] = gelu(fromBf16(out[i]) + b[i]);
#pragma omp simd
        for (std::int64_t i = 0; i < width; ++i)
            out[i] = toBf16(r[i]);
    }
}

MTM_CPU_LEVELS void residualNormRun(float *residual, const std::uint16_t *added, const std::uint16_t *bias,
                                    const float *weight, const float *shift, float eps, std::uint16_t *out,
                                    std::int64_t rows, std::int64_t width)
{
    const std::vector<float> biasValues = widened(bias, width);
    const float *b = biasValues.data();
    for (std::int64_t index = 0; index < rows; ++index) {
        float *x = residual + index * width;
        const std::uint16_t *a = added + index * width;
        float sum = 0;
#pragma omp simd reduction(+ : sum)
        for (std::int64_t i = 0; i < width; ++i) {
            x[i] += fromBf16(a[i]) + b[i];
            sum += x[i];
        }
        const float mean = sum / float(width);
        float squares = 0;
#pragma omp simd reduction(+ : squares)
        for (std::int64_t i = 0; i < width; ++i)
            squares += (x[i] - mean) * (x[i] - mean);
        const float scale = 1.0f / std::sqrt(squares / float(width) + eps);
        std::uint16_t *o = out + index * width;
#pragma omp simd
        for (std::int64_t i = 0; i < width; ++i) {
            x[i] = (x[i] - mean) * scale * weight[i] + shift[i];
            o[i] = toBf16(x[i]);
        }
    }
}

// Calls run(begin, end) over [0, rows) in pieces of rowsPerRun rows, on OpenMP's threads.
template <typename Run> void overRows(std::int64_t rows, const Run &run)
{
    const std::int64_t pieces = (rows + rowsPerRun - 1) / rowsPerRun;
#pragma omp parallel for schedule(static)
    for (std::int64_t piece = 0; piece < pieces; ++piece)
        run(piece * rowsPerRun, std::min(rows, (piece + 1) * rowsPerRun));
}

} // namespace

void softmaxRows(std::uint16_t *values, std::int64_t rows, std::int64_t width)
{
    overRows(rows,
             [&](std::int64_t begin, std::int64_t end) { softmaxRun(values + begin * width, end - begin, width); });
}

void biasGeluRows(std::uint16_t *values, const std::uint16_t *bias, std::int64_t rows, std::int64_t width)
{
    overRows(rows, [&](std::int64_t begin, std::int64_t end) {
        biasGeluRun(values + begin * width, bias, end - begin, width);
    });
}

void residualNormRows(float *residual, const std::uint16_t *added, const std::uint16_t *bias, const float *weight,
                      const float *shift, double eps, std::uint16_t *out, std::int64_t rows, std::int64_t width)
{
    overRows(rows, [&](std::int64_t begin, std::int64_t end) {
        residualNormRun(residual + begin * width, added + begin * width, bias, weight, shift, float(eps),
                        out + begin * width, end - begin, width);
    });
}

} // namespace mtm::engine::kernels
