// Tests of the GGUF reader on real vocabulary files and on damaged ones.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/MemoryUsage.h"
#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"

#include <fstream>
#include <iterator>

namespace mtm::engine {
namespace {

// Writes GGUF v3 files by hand, field by field, for the cases no writer would make.
class GgufBytes
{
public:
    GgufBytes(std::uint64_t tensors, std::uint64_t keys)
    {
        bytes = "GGUF";
        u32(3);
        u64(tensors);
        u64(keys);
    }
    template <typename T> GgufBytes &scalar(T value)
    {
        bytes.append(reinterpret_cast<const char *>(&value), sizeof value);
        return *this;
    }
    GgufBytes &u32(std::uint32_t value) { return scalar(value); }
    GgufBytes &u64(std::uint64_t value) { return scalar(value); }
    GgufBytes &text(const std::string &value)
    {
        u64(value.size());
        bytes += value;
        return *this;
    }
    GgufBytes &stringKey(const std::string &key, const std::string &value) { return text(key).u32(8).text(value); }
    GgufBytes &stringArrayKey(const std::string &key, const std::vector<std::string> &values)
    {
        text(key).u32(9).u32(8).u64(values.size());
        for (const std::string &value : values)
            text(value);
        return *this;
    }
    std::string bytes;
};

TEST(GgufFile, ArraysCostNoMemoryUntilTheyAreRead)
{
    // 32 MiB of one-byte integers: decoded on opening into 64-bit integers they took 256 MiB.
    constexpr std::uint64_t count = 32u << 20;
    GgufBytes gguf(0, 1);
    gguf.text("big").u32(9).u32(0).u64(count);
    gguf.bytes.append(count, '\x01');
    test::TemporaryFolder dir;
    test::writeBytes(dir.file("big.gguf"), gguf.bytes);
    gguf.bytes.clear();
    gguf.bytes.shrink_to_fit();

    const std::uint64_t before = residentBytes();
    const GgufFile file(dir.file("big.gguf"));
    EXPECT_LT(residentBytes(), before + (16u << 20));
    EXPECT_EQ(file.arraySize("big"), count);
    EXPECT_EQ(file.integerArray("big").at(count - 1), 1);
}

TEST(GgufFile, RefusesATensorWhoseByteCountOverflows)
{
    GgufBytes gguf(1, 0);
    gguf.text("weight").u32(1).u64((std::uint64_t(1) << 62) + 1).u32(0).u64(0); // F32: 2^64 + 4 bytes
    gguf.bytes.append(64, '\0');
    test::TemporaryFolder dir;
    test::writeBytes(dir.file("overflow.gguf"), gguf.bytes);
    try {
        GgufFile file(dir.file("overflow.gguf"));
        ADD_FAILURE() << "a tensor of 2^62 + 1 floats was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("too large"), std::string::npos) << error.what();
    }
}

TEST(GgufFile, TokenizerListsMustMatchTheTokens)
{
    GgufBytes gguf(0, 3);
    gguf.stringKey("tokenizer.ggml.model", "llama").stringArrayKey("tokenizer.ggml.tokens", {"a", "b", "c"});
    gguf.text("tokenizer.ggml.scores").u32(9).u32(6).u64(2).scalar(0.0f).scalar(1.0f);
    test::TemporaryFolder dir;
    test::writeBytes(dir.file("scores.gguf"), gguf.bytes);
    try {
        loadTokenizerFromGguf(GgufFile(dir.file("scores.gguf")));
        ADD_FAILURE() << "two scores for three tokens were accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("scores has 2 entries for 3 tokens"), std::string::npos)
            << error.what();
    }
}

TEST(GgufFile, ReadsTheTokenizerOfARealModel)
{
    MTM_REQUIRE_TESTDATA(data);
    const GgufFile file(data + "/tokenizers/ggml-vocab-gpt-2.gguf");
    EXPECT_EQ(file.version(), 3u);
    EXPECT_EQ(file.string("tokenizer.ggml.model"), "gpt2");
    const auto &tokens = file.stringArray("tokenizer.ggml.tokens");
    EXPECT_EQ(tokens.size(), 50257u);
    EXPECT_EQ(tokens[0], "!");
    EXPECT_EQ(file.stringArray("tokenizer.ggml.merges").front(), "Ġ t");
    EXPECT_TRUE(file.tensors().empty());
}

TEST(GgufFile, ReadsSentencePieceScores)
{
    MTM_REQUIRE_TESTDATA(data);
    const GgufFile file(data + "/tokenizers/ggml-vocab-llama-spm.gguf");
    EXPECT_EQ(file.string("tokenizer.ggml.model"), "llama");
    EXPECT_EQ(file.stringArray("tokenizer.ggml.tokens").size(), 32000u);
    EXPECT_EQ(file.realArray("tokenizer.ggml.scores").size(), 32000u);
    EXPECT_EQ(file.integerArray("tokenizer.ggml.token_type").size(), 32000u);
    EXPECT_EQ(file.integer("tokenizer.ggml.bos_token_id"), 1);
    EXPECT_THROW(file.string("tokenizer.ggml.bos_token_id"), EngineError);
    EXPECT_THROW(file.integer("no.such.key"), EngineError);
}

TEST(GgufFile, RefusesDamagedFiles)
{
    MTM_REQUIRE_TESTDATA(data);
    test::TemporaryFolder dir;
    std::ifstream in(data + "/tokenizers/ggml-vocab-gpt-2.gguf", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    auto expectRefused = [&](const std::string &name, const std::string &content, const std::string &expected) {
        const std::string path = dir.file(name);
        test::writeBytes(path, content);
        try {
            GgufFile file(path);
            ADD_FAILURE() << name << " was accepted";
        } catch (const EngineError &error) {
            EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
        }
    };
    expectRefused("magic.gguf", "GGML" + bytes.substr(4), "magic bytes");
    std::string version = bytes;
    version[4] = 1;
    expectRefused("version.gguf", version, "version 1 is not supported");
    expectRefused("cut.gguf", bytes.substr(0, bytes.size() / 2), "more than the file can hold");
    expectRefused("cut_header.gguf", bytes.substr(0, 30), "more entries than the file can hold");
    expectRefused("cut_key.gguf", bytes.substr(0, 400), "ends in the middle");
    expectRefused("tiny.gguf", "GGUF", "magic bytes");
}

} // namespace
} // namespace mtm::engine
