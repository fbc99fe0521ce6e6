// Tests of the safetensors reader and writer: round trips, and a clear error for every kind of bad file.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"

#include <torch/torch.h>

namespace mtm::engine {
namespace {

using test::TemporaryFolder;

// A file with the given header text, padded as the format asks, followed by data.
std::string fileWithHeader(const std::string &header, const std::string &data)
{
    std::string bytes(8, '\0');
    const std::uint64_t size = header.size();
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>(size >> (8 * i));
    return bytes + header + data;
}

TEST(Safetensors, RoundTripsEveryDtype)
{
    TemporaryFolder dir;
    torch::manual_seed(3);
    std::vector<std::pair<std::string, torch::Tensor>> tensors = {
        {"f32", torch::randn({3, 5})},
        {"bf16", torch::randn({4}).to(torch::kBFloat16)},
        {"f16", torch::randn({2, 2, 2}).to(torch::kFloat16)},
        {"i64", torch::arange(7)},
        {"bool", torch::tensor({true, false, true})},
        {"scalar", torch::tensor(2.5)},
        {"empty", torch::zeros({0, 4})},
        {"strided", torch::randn({4, 6}).t()},
    };
    const std::string path = dir.file("model.safetensors");
    writeSafetensors(path, tensors, {{"format", "pt"}});
    const SafetensorsFile file(path);
    EXPECT_EQ(file.metadata().at("format"), "pt");
    ASSERT_EQ(file.entries().size(), tensors.size());
    for (const auto &[name, tensor] : tensors) {
        const torch::Tensor loaded = file.load(name);
        EXPECT_EQ(loaded.scalar_type(), tensor.scalar_type()) << name;
        EXPECT_EQ(loaded.sizes(), tensor.sizes()) << name;
        EXPECT_TRUE(torch::equal(loaded, tensor)) << name;
    }
}

TEST(Safetensors, HeaderIsPaddedToEightBytes)
{
    TemporaryFolder dir;
    const std::string path = dir.file("padded.safetensors");
    writeSafetensors(path, {{"a", torch::ones({3})}});
    std::ifstream in(path, std::ios::binary);
    std::uint64_t headerSize = 0;
    in.read(reinterpret_cast<char *>(&headerSize), 8);
    EXPECT_EQ(headerSize % 8, 0u);
    std::string header(headerSize, '\0');
    in.read(header.data(), static_cast<std::streamsize>(headerSize));
    EXPECT_EQ(header.front(), '{');
    EXPECT_EQ(header.find_last_not_of(' ') + 1, header.rfind('}') + 1);
}

TEST(Safetensors, ReportsUnknownTensorNames)
{
    TemporaryFolder dir;
    writeSafetensors(dir.file("a.safetensors"), {{"a", torch::ones({1})}});
    const SafetensorsFile file(dir.file("a.safetensors"));
    EXPECT_EQ(file.find("b"), nullptr);
    EXPECT_THROW(file.load("b"), EngineError);
}

struct BadFile
{
    const char *name;
    std::string bytes;
    const char *expected; // part of the error message
};

class SafetensorsBadFile : public ::testing::TestWithParam<BadFile>
{};

TEST_P(SafetensorsBadFile, IsRefusedWithAClearMessage)
{
    TemporaryFolder dir;
    const std::string path = dir.file(std::string(GetParam().name) + ".safetensors");
    test::writeBytes(path, GetParam().bytes);
    try {
        SafetensorsFile file(path);
        FAIL() << "the file was accepted";
    } catch (const EngineError &error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    }
}

const std::string kFour(4, '\0');

INSTANTIATE_TEST_SUITE_P(
    Cases, SafetensorsBadFile,
    ::testing::Values(
        BadFile{"empty", "", "shorter than the 8-byte header length"},
        BadFile{"huge_header", std::string("\xff\xff\xff\xff\xff\x00\x00\x00", 8) + "{}", "at most 100000000"},
        BadFile{"header_past_end", std::string("\x40\x00\x00\x00\x00\x00\x00\x00", 8) + "{}", "but the file has only"},
        BadFile{"not_json", fileWithHeader("{nope}  ", ""), "not valid JSON"},
        BadFile{"not_brace", fileWithHeader("[1,2,3] ", ""), "does not start with '{'"},
        BadFile{"unknown_dtype", fileWithHeader(R"({"a":{"dtype":"F13","shape":[1],"data_offsets":[0,4]}})", kFour),
                "unknown dtype"},
        BadFile{"size_mismatch", fileWithHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", kFour),
                "need 8"},
        BadFile{"offset_not_zero",
                fileWithHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", kFour + kFour),
                "gap of 4 bytes"},
        BadFile{
            "overlap",
            fileWithHeader(
                R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                kFour + kFour),
            "overlaps"},
        BadFile{
            "gap",
            fileWithHeader(
                R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                kFour + kFour + kFour),
            "gap of 4 bytes before tensor 'b'"},
        BadFile{"short_data", fileWithHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", kFour),
                "cover 8 bytes of data but the file holds 4"},
        BadFile{"trailing_data",
                fileWithHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", kFour + kFour),
                "cover 4 bytes of data but the file holds 8"},
        BadFile{
            "duplicate",
            fileWithHeader(
                R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                kFour + kFour),
            "named twice"},
        BadFile{"negative_dim", fileWithHeader(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", kFour),
                "not a non-negative integer"},
        BadFile{
            "overflow",
            fileWithHeader(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", kFour),
            "overflows"},
        BadFile{"reversed", fileWithHeader(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}})", kFour),
                "before it begins"},
        BadFile{"missing_fields", fileWithHeader(R"({"a":{"dtype":"F32"}})", ""),
                "needs dtype, shape and data_offsets"},
        BadFile{"bad_metadata", fileWithHeader(R"({"__metadata__":{"x":1}})", ""), "is not a string"}),
    [](const ::testing::TestParamInfo<BadFile> &info) { return std::string(info.param.name); });

} // namespace
} // namespace mtm::engine
