// Tests of the ggml tensor types: half and bfloat16 rounding, the block layouts, and how close each
// quantisation comes to the values it stores.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/quant/GgmlQuant.h"

#include <cmath>
#include <limits>
#include <random>

namespace mtm::engine {
namespace {

std::vector<float> normalValues(std::size_t count, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> normal(0.f, 0.02f); // the spread of a trained weight matrix
    std::vector<float> values(count);
    for (float &value : values)
        value = normal(random);
    return values;
}

// Root-mean-square error relative to the values' own RMS.
double relativeError(GgmlType type, const std::vector<float> &values)
{
    std::string bytes;
    quantizeValues(values.data(), values.size(), type, bytes);
    EXPECT_EQ(bytes.size(), values.size() / ggmlBlockSize(type) * ggmlBlockBytes(type));
    std::vector<float> back(values.size());
    dequantizeValues(reinterpret_cast<const std::uint8_t *>(bytes.data()), values.size(), type, back.data());
    double error = 0, energy = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        error += (back[i] - values[i]) * (back[i] - values[i]);
        energy += values[i] * values[i];
    }
    return std::sqrt(error / energy);
}

TEST(GgmlQuant, HalfRoundsToNearestEvenWithSubnormalsAndInfinity)
{
    EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
    EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
    EXPECT_EQ(floatToHalf(65504.f), 0x7BFF);
    EXPECT_EQ(floatToHalf(65520.f), 0x7C00);            // halfway to the next: rounds to even, which is infinity
    EXPECT_EQ(floatToHalf(1.0f + 1.0f / 2048), 0x3C00); // a tie: to even
    EXPECT_EQ(floatToHalf(1.0f + 3.0f / 2048), 0x3C02);
    EXPECT_EQ(floatToHalf(std::ldexp(1.f, -24)), 0x0001);
    EXPECT_EQ(floatToHalf(std::ldexp(1.f, -26)), 0x0000);
    EXPECT_EQ(floatToHalf(std::numeric_limits<float>::quiet_NaN()) & 0x7E00, 0x7E00);
    for (std::uint32_t half = 0; half < 0x10000; ++half) {
        if ((half & 0x7C00) == 0x7C00 && (half & 0x3FF) != 0)
            continue; // NaNs
        ASSERT_EQ(floatToHalf(halfToFloat(std::uint16_t(half))), half) << half;
    }
}

TEST(GgmlQuant, Bfloat16RoundsToNearestEvenAndKeepsNaNQuiet)
{
    EXPECT_EQ(floatToBfloat16(1.0f), 0x3F80);
    EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
    EXPECT_EQ(floatToBfloat16(1.0f + std::ldexp(1.f, -8)), 0x3F80); // a tie: to even
    EXPECT_EQ(floatToBfloat16(1.0f + 3 * std::ldexp(1.f, -8)), 0x3F82);
    const std::uint16_t nan = floatToBfloat16(std::numeric_limits<float>::quiet_NaN());
    EXPECT_TRUE(std::isnan(bfloat16ToFloat(nan)));
}

TEST(GgmlQuant, EachTypeKeepsTheValuesAsCloseAsItsBitsAllow)
{
    const std::vector<float> values = normalValues(256 * 64, 7);
    EXPECT_EQ(relativeError(GgmlType::F32, values), 0.0);
    EXPECT_LT(relativeError(GgmlType::F16, values), 1e-3);
    EXPECT_LT(relativeError(GgmlType::BF16, values), 5e-3);
    const double q8 = relativeError(GgmlType::Q8_0, values);
    const double q6 = relativeError(GgmlType::Q6_K, values);
    const double q5 = relativeError(GgmlType::Q5_K, values);
    const double q4k = relativeError(GgmlType::Q4_K, values);
    const double q4 = relativeError(GgmlType::Q4_0, values);
    const double q50 = relativeError(GgmlType::Q5_0, values);
    const double q51 = relativeError(GgmlType::Q5_1, values);
    std::printf("relative RMS error: Q8_0 %.4f Q6_K %.4f Q5_K %.4f Q5_1 %.4f Q5_0 %.4f Q4_K %.4f Q4_0 %.4f\n", q8, q6,
                q5, q51, q50, q4k, q4);
    EXPECT_LT(q50, q4);
    EXPECT_LT(q51, q4);
    EXPECT_LT(q5, q50);
    // More bits, less error; the K-quants' scale search beats the plain 4-bit blocks.
    EXPECT_LT(q8, 0.01);
    EXPECT_LT(q8, q6);
    EXPECT_LT(q6, q5);
    EXPECT_LT(q5, q4k);
    EXPECT_LT(q4k, q4);
    EXPECT_LT(q4, 0.15);
}

TEST(GgmlQuant, ZerosAndConstantsSurviveEveryType)
{
    for (const GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q4_K,
                                GgmlType::Q5_K, GgmlType::Q6_K}) {
        for (const float constant : {0.0f, 0.5f, -3.0f}) {
            const std::vector<float> values(256, constant);
            std::string bytes;
            quantizeValues(values.data(), values.size(), type, bytes);
            std::vector<float> back(values.size());
            dequantizeValues(reinterpret_cast<const std::uint8_t *>(bytes.data()), values.size(), type, back.data());
            for (const float value : back)
                ASSERT_NEAR(value, constant, std::fabs(constant) * 0.01 + 1e-6) << ggmlTypeName(type);
        }
    }
}

TEST(GgmlQuant, Q8_0IsTheScaleAndTheRoundedQuotients)
{
    std::vector<float> values(32);
    for (int i = 0; i < 32; ++i)
        values[std::size_t(i)] = float(i - 16) * 0.25f; // largest magnitude 4: d = 4/127
    std::string bytes;
    quantizeValues(values.data(), 32, GgmlType::Q8_0, bytes);
    ASSERT_EQ(bytes.size(), 34u);
    std::uint16_t d;
    std::memcpy(&d, bytes.data(), 2);
    EXPECT_EQ(d, floatToHalf(4.0f / 127));
    EXPECT_EQ(std::int8_t(bytes[2]), -127);                                          // -4
    EXPECT_EQ(std::int8_t(bytes[2 + 17]), std::int8_t(std::round(0.25f * 127 / 4))); // 0.25 → 7.9375 → 8
    EXPECT_THROW(quantizeValues(values.data(), 31, GgmlType::Q8_0, bytes), EngineError);
}

} // namespace
} // namespace mtm::engine
