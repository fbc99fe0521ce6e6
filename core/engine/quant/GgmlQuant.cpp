#include "engine/quant/GgmlQuant.h"

#include "engine/EngineError.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mtm::engine {
namespace {

constexpr float kGroupMaxEps = 1e-15f;

// Rounds half to even in float32 arithmetic, as ggml's scale searches do (1.5 * 2^23 pushes the fraction out).
int nearestInt(float value)
{
    const float shifted = value + 12582912.f;
    std::int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

void putHalf(std::uint8_t *at, float value)
{
    const std::uint16_t half = floatToHalf(value);
    std::memcpy(at, &half, 2);
}

float getHalf(const std::uint8_t *at)
{
    std::uint16_t half;
    std::memcpy(&half, at, 2);
    return halfToFloat(half);
}

// Q5_0 (d, qh, qs: symmetric, d = max/−16) and Q5_1 (d, m, qh, qs: from the minimum, d = range/31), the
// fallbacks for rows that do not fill blocks of 256. The fifth bit of value j is bit j of the 32-bit qh.
void quantizeQ5Block(const float *x, bool withMin, std::uint8_t *block)
{
    float d, offset, bias;
    if (withMin) {
        float low = x[0], high = x[0];
        for (int j = 1; j < 32; ++j) {
            low = std::min(low, x[j]);
            high = std::max(high, x[j]);
        }
        d = (high - low) / 31.f;
        putHalf(block, d);
        putHalf(block + 2, low);
        offset = low;
        bias = 0.5f;
    } else {
        float largest = 0, largestMagnitude = 0;
        for (int j = 0; j < 32; ++j) {
            if (largestMagnitude < std::fabs(x[j])) {
                largestMagnitude = std::fabs(x[j]);
                largest = x[j];
            }
        }
        d = largest / -16.f;
        putHalf(block, d);
        offset = 0;
        bias = 16.5f;
    }
    const float inverse = d != 0 ? 1.f / d : 0.f;
    std::uint32_t high = 0;
    std::uint8_t *quants = block + (withMin ? 8 : 6);
    for (int j = 0; j < 16; ++j) {
        const auto level = [&](float value) {
            const float scaled = (value - offset) * inverse + bias;
            return withMin ? int(std::uint8_t(scaled)) : std::min(31, int(std::int8_t(scaled)));
        };
        const int low = level(x[j]), upper = level(x[j + 16]);
        quants[j] = std::uint8_t((low & 0xF) | ((upper & 0xF) << 4));
        high |= std::uint32_t((low & 0x10) >> 4) << j;
        high |= std::uint32_t((upper & 0x10) >> 4) << (j + 16);
    }
    std::memcpy(block + (withMin ? 4 : 2), &high, 4);
}

// Fits x ≈ scale·L + min with L in [0, nmax] and min ≤ 0, weighted, searching around the plain fit by
// rescaling (nstep steps of rdelta from rmin) and solving each candidate's least squares. Returns the scale;
// theMin receives −min.
float fitScaleAndMin(int n, int nmax, const float *x, const float *weights, std::uint8_t *levels, float &theMin,
                     float rmin, float rdelta, int nstep)
{
    float low = x[0], high = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        low = std::min(low, x[i]);
        high = std::max(high, x[i]);
        sumW += weights[i];
        sumX += weights[i] * x[i];
    }
    if (low > 0)
        low = 0;
    if (high == low) {
        std::fill(levels, levels + n, 0);
        theMin = -low;
        return 0.f;
    }
    float inverse = float(nmax) / (high - low);
    float scale = 1 / inverse;
    float bestError = 0;
    for (int i = 0; i < n; ++i) {
        const int l = std::clamp(nearestInt(inverse * (x[i] - low)), 0, nmax);
        levels[i] = std::uint8_t(l);
        const float difference = scale * float(l) + low - x[i];
        bestError += weights[i] * (difference * difference);
    }
    std::uint8_t candidate[32];
    for (int step = 0; step <= nstep; ++step) {
        inverse = (rmin + rdelta * float(step) + float(nmax)) / (high - low);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            const int l = std::clamp(nearestInt(inverse * (x[i] - low)), 0, nmax);
            candidate[i] = std::uint8_t(l);
            const float w = weights[i];
            sumL += w * float(l);
            sumL2 += w * float(l) * float(l);
            sumXL += w * float(l) * x[i];
        }
        const float determinant = sumW * sumL2 - sumL * sumL;
        if (determinant <= 0)
            continue;
        float thisScale = (sumW * sumXL - sumX * sumL) / determinant;
        float thisMin = (sumL2 * sumX - sumL * sumXL) / determinant;
        if (thisMin > 0) {
            thisMin = 0;
            thisScale = sumXL / sumL2;
        }
        float error = 0;
        for (int i = 0; i < n; ++i) {
            const float difference = thisScale * float(candidate[i]) + thisMin - x[i];
            error += weights[i] * (difference * difference);
        }
        if (error < bestError) {
            std::copy(candidate, candidate + n, levels);
            bestError = error;
            scale = thisScale;
            low = thisMin;
        }
    }
    theMin = -low;
    return scale;
}

// Fits x ≈ scale·(L − nmax) symmetrically, weighting by x², trying 18 scales around nmax/max.
float fitSymmetricScale(int n, int nmax, const float *x, std::uint8_t *levels)
{
    float largest = 0, largestMagnitude = 0;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > largestMagnitude) {
            largestMagnitude = std::fabs(x[i]);
            largest = x[i];
        }
    }
    if (largestMagnitude < kGroupMaxEps) {
        std::fill(levels, levels + n, 0);
        return 0.f;
    }
    const auto sums = [&](float inverse, float &sumLX, float &sumL2, bool store) {
        sumLX = 0;
        sumL2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = std::clamp(nearestInt(inverse * x[i]), -nmax, nmax - 1);
            if (store)
                levels[i] = std::uint8_t(l + nmax);
            const float w = x[i] * x[i];
            sumLX += w * x[i] * float(l);
            sumL2 += w * float(l) * float(l);
        }
    };
    float sumLX, sumL2;
    sums(-float(nmax) / largest, sumLX, sumL2, true);
    float scale = sumL2 != 0 ? sumLX / sumL2 : 0.f;
    float best = scale * sumLX;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0)
            continue;
        const float inverse = -(float(nmax) + 0.1f * float(step)) / largest;
        sums(inverse, sumLX, sumL2, false);
        if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
            sums(inverse, sumLX, sumL2, true);
            scale = sumLX / sumL2;
            best = scale * sumLX;
        }
    }
    return scale;
}

// The 6-bit scale and min of sub-block j of a Q4_K or Q5_K block.
void packScaleAndMin(std::uint8_t *packed, int j, int scale, int min)
{
    if (j < 4) {
        packed[j] = std::uint8_t(scale);
        packed[j + 4] = std::uint8_t(min);
    } else {
        packed[j + 4] = std::uint8_t((scale & 0xF) | ((min & 0xF) << 4));
        packed[j - 4] |= std::uint8_t((scale >> 4) << 6);
        packed[j] |= std::uint8_t((min >> 4) << 6);
    }
}

void unpackScaleAndMin(const std::uint8_t *packed, int j, int &scale, int &min)
{
    if (j < 4) {
        scale = packed[j] & 63;
        min = packed[j + 4] & 63;
    } else {
        scale = (packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4);
        min = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
    }
}

// Q4_K and Q5_K share everything but the number of levels and the search: d, dmin, scales[12], then the
// quants (Q5_K puts the fifth bit of each in qh[32] first).
void quantizeKBlock(const float *x, int nmax, float rmin, int nstep, std::uint8_t *block)
{
    std::uint8_t levels[256];
    float weights[32], scales[8], mins[8];
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 8; ++j) {
        const float *sub = x + 32 * j;
        float sumX2 = 0;
        for (int l = 0; l < 32; ++l)
            sumX2 += sub[l] * sub[l];
        const float average = std::sqrt(sumX2 / 32);
        for (int l = 0; l < 32; ++l)
            weights[l] = average + std::fabs(sub[l]);
        scales[j] = fitScaleAndMin(32, nmax, sub, weights, levels + 32 * j, mins[j], rmin, 0.1f, nstep);
        maxScale = std::max(maxScale, scales[j]);
        maxMin = std::max(maxMin, mins[j]);
    }
    const float inverseScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float inverseMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    std::uint8_t *packed = block + 4;
    std::memset(packed, 0, 12);
    for (int j = 0; j < 8; ++j)
        packScaleAndMin(packed, j, std::min<int>(63, std::uint8_t(nearestInt(inverseScale * scales[j]))),
                        std::min<int>(63, std::uint8_t(nearestInt(inverseMin * mins[j]))));
    putHalf(block, maxScale / 63.f);
    putHalf(block + 2, maxMin / 63.f);
    const float d = getHalf(block), dmin = getHalf(block + 2);
    for (int j = 0; j < 8; ++j) {
        int scale, min;
        unpackScaleAndMin(packed, j, scale, min);
        const float step = d * float(scale);
        if (step == 0)
            continue; // keeps the levels of the search
        const float offset = dmin * float(min);
        for (int l = 0; l < 32; ++l)
            levels[32 * j + l] = std::uint8_t(std::clamp(nearestInt((x[32 * j + l] + offset) / step), 0, nmax));
    }
    std::uint8_t *high = block + 16;                      // Q5_K: qh[32]
    std::uint8_t *quants = block + (nmax > 15 ? 48 : 16); // qs[128]
    if (nmax > 15)
        std::memset(high, 0, 32);
    for (int chunk = 0; chunk < 4; ++chunk) {
        for (int l = 0; l < 32; ++l) {
            int a = levels[64 * chunk + l], b = levels[64 * chunk + 32 + l];
            if (a > 15) {
                high[l] |= std::uint8_t(1 << (2 * chunk));
                a -= 16;
            }
            if (b > 15) {
                high[l] |= std::uint8_t(1 << (2 * chunk + 1));
                b -= 16;
            }
            quants[32 * chunk + l] = std::uint8_t(a | (b << 4));
        }
    }
}

void dequantizeKBlock(const std::uint8_t *block, bool fiveBits, float *y)
{
    const float d = getHalf(block), dmin = getHalf(block + 2);
    const std::uint8_t *packed = block + 4;
    const std::uint8_t *high = block + 16;
    const std::uint8_t *quants = block + (fiveBits ? 48 : 16);
    for (int chunk = 0; chunk < 4; ++chunk) {
        int scale1, min1, scale2, min2;
        unpackScaleAndMin(packed, 2 * chunk, scale1, min1);
        unpackScaleAndMin(packed, 2 * chunk + 1, scale2, min2);
        for (int l = 0; l < 32; ++l) {
            int a = quants[32 * chunk + l] & 0xF, b = quants[32 * chunk + l] >> 4;
            if (fiveBits) {
                a += (high[l] >> (2 * chunk)) & 1 ? 16 : 0;
                b += (high[l] >> (2 * chunk + 1)) & 1 ? 16 : 0;
            }
            y[64 * chunk + l] = d * float(scale1) * float(a) - dmin * float(min1);
            y[64 * chunk + 32 + l] = d * float(scale2) * float(b) - dmin * float(min2);
        }
    }
}

// Q6_K: ql[128], qh[64], scales[16] (int8), d — 16 sub-blocks of 16 with symmetric 6-bit levels.
void quantizeQ6KBlock(const float *x, std::uint8_t *block)
{
    std::uint8_t levels[256];
    float scales[16];
    float maxScale = 0, maxMagnitude = 0;
    for (int j = 0; j < 16; ++j) {
        scales[j] = fitSymmetricScale(16, 32, x + 16 * j, levels + 16 * j);
        if (std::fabs(scales[j]) > maxMagnitude) {
            maxMagnitude = std::fabs(scales[j]);
            maxScale = scales[j];
        }
    }
    std::memset(block, 0, 210);
    if (maxMagnitude < kGroupMaxEps)
        return;
    std::uint8_t *low = block, *high = block + 128;
    auto *subScales = reinterpret_cast<std::int8_t *>(block + 192);
    const float inverse = -128.f / maxScale;
    putHalf(block + 208, 1 / inverse);
    for (int j = 0; j < 16; ++j)
        subScales[j] = std::int8_t(std::min(127, nearestInt(inverse * scales[j])));
    const float d = getHalf(block + 208);
    for (int j = 0; j < 16; ++j) {
        const float step = d * float(subScales[j]);
        if (step == 0)
            continue;
        for (int l = 0; l < 16; ++l)
            levels[16 * j + l] = std::uint8_t(std::clamp(nearestInt(x[16 * j + l] / step), -32, 31) + 32);
    }
    for (int half = 0; half < 2; ++half) {
        const std::uint8_t *L = levels + 128 * half;
        for (int l = 0; l < 32; ++l) {
            low[64 * half + l] = std::uint8_t((L[l] & 15) | ((L[l + 64] & 15) << 4));
            low[64 * half + l + 32] = std::uint8_t((L[l + 32] & 15) | ((L[l + 96] & 15) << 4));
            high[32 * half + l] =
                std::uint8_t((L[l] >> 4) | ((L[l + 32] >> 4) << 2) | ((L[l + 64] >> 4) << 4) | ((L[l + 96] >> 4) << 6));
        }
    }
}

void dequantizeQ6KBlock(const std::uint8_t *block, float *y)
{
    const float d = getHalf(block + 208);
    const auto *subScales = reinterpret_cast<const std::int8_t *>(block + 192);
    for (int half = 0; half < 2; ++half) {
        const std::uint8_t *low = block + 64 * half, *high = block + 128 + 32 * half;
        const std::int8_t *scale = subScales + 8 * half;
        float *out = y + 128 * half;
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            out[l] = d * float(scale[is]) * float(((low[l] & 15) | ((high[l] & 3) << 4)) - 32);
            out[l + 32] = d * float(scale[is + 2]) * float(((low[l + 32] & 15) | (((high[l] >> 2) & 3) << 4)) - 32);
            out[l + 64] = d * float(scale[is + 4]) * float(((low[l] >> 4) | (((high[l] >> 4) & 3) << 4)) - 32);
            out[l + 96] = d * float(scale[is + 6]) * float(((low[l + 32] >> 4) | (((high[l] >> 6) & 3) << 4)) - 32);
        }
    }
}

} // namespace

std::uint16_t floatToHalf(float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, 4);
    const std::uint16_t sign = std::uint16_t((bits >> 16) & 0x8000);
    const std::uint32_t magnitude = bits & 0x7FFFFFFF;
    if (magnitude > 0x7F800000)
        return sign | 0x7E00;      // NaN
    if (magnitude >= 0x38800000) { // at least 2^-14: a normal half, or infinity
        const std::uint32_t rounded = magnitude + 0x0FFF + ((magnitude >> 13) & 1);
        const std::uint32_t half = (rounded >> 13) - (112u << 10);
        return sign | std::uint16_t(std::min<std::uint32_t>(half, 0x7C00));
    }
    // A subnormal half: the value in units of 2^-24, rounded to nearest even.
    float absolute;
    std::memcpy(&absolute, &magnitude, 4);
    return sign | std::uint16_t(std::nearbyint(absolute * 16777216.f));
}

float halfToFloat(std::uint16_t half)
{
    const std::uint32_t sign = std::uint32_t(half & 0x8000) << 16;
    const std::uint32_t exponent = (half >> 10) & 0x1F;
    const std::uint32_t mantissa = half & 0x3FF;
    std::uint32_t bits;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000 | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else {
        const float value = float(mantissa) / 16777216.f;
        std::memcpy(&bits, &value, 4);
        bits |= sign;
    }
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

std::uint16_t floatToBfloat16(float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFF) > 0x7F800000)
        return std::uint16_t((bits >> 16) | 0x40); // a quiet NaN
    return std::uint16_t((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

float bfloat16ToFloat(std::uint16_t value)
{
    const std::uint32_t bits = std::uint32_t(value) << 16;
    float result;
    std::memcpy(&result, &bits, 4);
    return result;
}

std::optional<GgmlBlockLayout> ggmlBlockLayout(std::uint32_t ggmlType)
{
    struct Known
    {
        std::uint32_t type;
        GgmlBlockLayout layout;
    };
    static const Known known[] = {
        {0, {1, 4}},      {1, {1, 2}},      {2, {32, 18}},    {3, {32, 20}},    {6, {32, 22}},
        {7, {32, 24}},    {8, {32, 34}},    {9, {32, 36}},    {10, {256, 84}},  {11, {256, 110}},
        {12, {256, 144}}, {13, {256, 176}}, {14, {256, 210}}, {15, {256, 292}}, {24, {1, 1}},
        {25, {1, 2}},     {26, {1, 4}},     {27, {1, 8}},     {28, {1, 8}},     {30, {1, 2}},
    };
    for (const Known &entry : known) {
        if (entry.type == ggmlType)
            return entry.layout;
    }
    return std::nullopt;
}

std::optional<GgmlType> ggmlTypeOf(std::uint32_t ggmlType)
{
    for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q5_0,
                                GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
        if (std::uint32_t(type) == ggmlType)
            return type;
    }
    return std::nullopt;
}

std::size_t ggmlBlockSize(GgmlType type)
{
    return std::size_t(ggmlBlockLayout(std::uint32_t(type))->values);
}

std::size_t ggmlBlockBytes(GgmlType type)
{
    return std::size_t(ggmlBlockLayout(std::uint32_t(type))->bytes);
}

std::string ggmlTypeName(GgmlType type)
{
    switch (type) {
    case GgmlType::F32:
        return "F32";
    case GgmlType::F16:
        return "F16";
    case GgmlType::BF16:
        return "BF16";
    case GgmlType::Q4_0:
        return "Q4_0";
    case GgmlType::Q5_0:
        return "Q5_0";
    case GgmlType::Q5_1:
        return "Q5_1";
    case GgmlType::Q8_0:
        return "Q8_0";
    case GgmlType::Q4_K:
        return "Q4_K";
    case GgmlType::Q5_K:
        return "Q5_K";
    case GgmlType::Q6_K:
        break;
    }
    return "Q6_K";
}

void quantizeValues(const float *values, std::size_t count, GgmlType type, std::string &out)
{
    const std::size_t start = out.size();
    out.resize(start + quantizedBytes(count, type));
    quantizeValues(values, count, type, reinterpret_cast<std::uint8_t *>(out.data() + start));
}

std::size_t quantizedBytes(std::size_t count, GgmlType type)
{
    const std::size_t blockSize = ggmlBlockSize(type);
    if (count % blockSize != 0)
        throw EngineError(std::to_string(count) + " values do not fill whole " + ggmlTypeName(type) + " blocks of " +
                          std::to_string(blockSize));
    return count / blockSize * ggmlBlockBytes(type);
}

void quantizeValues(const float *values, std::size_t count, GgmlType type, std::uint8_t *data)
{
    const std::size_t blockSize = ggmlBlockSize(type), blockBytes = ggmlBlockBytes(type);
    quantizedBytes(count, type); // checks the count
    for (std::size_t b = 0; b < count / blockSize; ++b) {
        const float *x = values + b * blockSize;
        std::uint8_t *block = data + b * blockBytes;
        switch (type) {
        case GgmlType::F32:
            std::memcpy(block, x, 4);
            break;
        case GgmlType::F16: {
            const std::uint16_t half = floatToHalf(*x);
            std::memcpy(block, &half, 2);
            break;
        }
        case GgmlType::BF16: {
            const std::uint16_t bf16 = floatToBfloat16(*x);
            std::memcpy(block, &bf16, 2);
            break;
        }
        case GgmlType::Q8_0: {
            float largest = 0;
            for (int j = 0; j < 32; ++j)
                largest = std::max(largest, std::fabs(x[j]));
            const float d = largest / 127.f;
            const float inverse = d != 0 ? 1.f / d : 0.f;
            putHalf(block, d);
            for (int j = 0; j < 32; ++j)
                block[2 + j] = std::uint8_t(std::int8_t(std::round(x[j] * inverse)));
            break;
        }
        case GgmlType::Q4_0: {
            float largest = 0, largestMagnitude = 0;
            for (int j = 0; j < 32; ++j) {
                if (largestMagnitude < std::fabs(x[j])) {
                    largestMagnitude = std::fabs(x[j]);
                    largest = x[j];
                }
            }
            const float d = largest / -8.f;
            const float inverse = d != 0 ? 1.f / d : 0.f;
            putHalf(block, d);
            for (int j = 0; j < 16; ++j) {
                const int low = std::min(15, int(std::int8_t(x[j] * inverse + 8.5f)));
                const int high = std::min(15, int(std::int8_t(x[j + 16] * inverse + 8.5f)));
                block[2 + j] = std::uint8_t(low | (high << 4));
            }
            break;
        }
        case GgmlType::Q5_0:
            quantizeQ5Block(x, false, block);
            break;
        case GgmlType::Q5_1:
            quantizeQ5Block(x, true, block);
            break;
        case GgmlType::Q4_K:
            quantizeKBlock(x, 15, -1.0f, 20, block);
            break;
        case GgmlType::Q5_K:
            quantizeKBlock(x, 31, -0.5f, 15, block);
            break;
        case GgmlType::Q6_K:
            quantizeQ6KBlock(x, block);
            break;
        }
    }
}

void dequantizeValues(const std::uint8_t *data, std::size_t count, GgmlType type, float *values)
{
    const std::size_t blockSize = ggmlBlockSize(type), blockBytes = ggmlBlockBytes(type);
    for (std::size_t b = 0; b < count / blockSize; ++b) {
        const std::uint8_t *block = data + b * blockBytes;
        float *y = values + b * blockSize;
        switch (type) {
        case GgmlType::F32:
            std::memcpy(y, block, 4);
            break;
        case GgmlType::F16:
            *y = getHalf(block);
            break;
        case GgmlType::BF16: {
            std::uint16_t bf16;
            std::memcpy(&bf16, block, 2);
            *y = bfloat16ToFloat(bf16);
            break;
        }
        case GgmlType::Q8_0: {
            const float d = getHalf(block);
            for (int j = 0; j < 32; ++j)
                y[j] = d * float(std::int8_t(block[2 + j]));
            break;
        }
        case GgmlType::Q4_0: {
            const float d = getHalf(block);
            for (int j = 0; j < 16; ++j) {
                y[j] = d * float((block[2 + j] & 0xF) - 8);
                y[j + 16] = d * float((block[2 + j] >> 4) - 8);
            }
            break;
        }
        case GgmlType::Q5_0:
        case GgmlType::Q5_1: {
            const bool withMin = type == GgmlType::Q5_1;
            const float d = getHalf(block), min = withMin ? getHalf(block + 2) : 0.f;
            std::uint32_t high;
            std::memcpy(&high, block + (withMin ? 4 : 2), 4);
            const std::uint8_t *quants = block + (withMin ? 8 : 6);
            for (int j = 0; j < 16; ++j) {
                const int low = (quants[j] & 0xF) | (((high >> j) & 1) << 4);
                const int upper = (quants[j] >> 4) | (((high >> (j + 16)) & 1) << 4);
                y[j] = withMin ? d * float(low) + min : d * float(low - 16);
                y[j + 16] = withMin ? d * float(upper) + min : d * float(upper - 16);
            }
            break;
        }
        case GgmlType::Q4_K:
            dequantizeKBlock(block, false, y);
            break;
        case GgmlType::Q5_K:
            dequantizeKBlock(block, true, y);
            break;
        case GgmlType::Q6_K:
            dequantizeQ6KBlock(block, y);
            break;
        }
    }
}

} // namespace mtm::engine
