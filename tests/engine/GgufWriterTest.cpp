// Tests of the GGUF writer against the project's GGUF reader: every value type, tensors at aligned offsets,
// refusals, and a cancelled write that leaves nothing.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"
#include "engine/io/GgufWriter.h"

#include <cstring>

namespace mtm::engine {
namespace {

std::string floats(std::initializer_list<float> values)
{
    std::string bytes(values.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), values.begin(), bytes.size());
    return bytes;
}

TEST(GgufWriter, WritesWhatTheReaderReadsBack)
{
    test::TemporaryFolder dir;
    GgufWriter writer(64);
    writer.addString("general.architecture", "llama");
    writer.addUInt32("llama.block_count", 2);
    writer.addInt32("signed", -7);
    writer.addUInt64("big", std::uint64_t(1) << 40);
    writer.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    writer.addBool("tokenizer.ggml.add_bos_token", true);
    writer.addStrings("tokenizer.ggml.tokens", {"<s>", "a", "\xE2\x96\x81" "b"});
    writer.addInt32s("tokenizer.ggml.token_type", {3, 1, 1});
    writer.addFloat32s("tokenizer.ggml.scores", {0.0f, -1.5f, -2.5f});
    const std::string embedding = floats({1, 2, 3, 4, 5, 6});
    const std::string q8(34, '\x11');
    writer.addTensor("token_embd.weight", {2, 3}, 0, [&] { return embedding; });
    writer.addTensor("blk.0.attn_q.weight", {32, 1}, 8, [&] { return q8; });
    writer.write(dir.file("model.gguf"));

    const GgufFile file(dir.file("model.gguf"));
    EXPECT_EQ(file.version(), 3u);
    EXPECT_EQ(file.alignment(), 64u);
    EXPECT_EQ(file.string("general.architecture"), "llama");
    EXPECT_EQ(file.integer("llama.block_count"), 2);
    EXPECT_EQ(file.integer("signed"), -7);
    EXPECT_EQ(file.integer("big"), std::int64_t(1) << 40);
    EXPECT_FLOAT_EQ(float(file.real("llama.attention.layer_norm_rms_epsilon")), 1e-5f);
    EXPECT_EQ(file.integer("tokenizer.ggml.add_bos_token"), 1);
    EXPECT_EQ(file.stringArray("tokenizer.ggml.tokens"), (std::vector<std::string>{"<s>", "a", "\xE2\x96\x81" "b"}));
    EXPECT_EQ(file.integerArray("tokenizer.ggml.token_type"), (std::vector<std::int64_t>{3, 1, 1}));
    EXPECT_EQ(file.realArray("tokenizer.ggml.scores"), (std::vector<double>{0.0, -1.5, -2.5}));
    ASSERT_EQ(file.tensors().size(), 2u);
    const GgufTensorInfo &first = file.tensors()[0];
    EXPECT_EQ(first.name, "token_embd.weight");
    EXPECT_EQ(first.dims, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(file.tensorData(first)), first.bytes), embedding);
    const GgufTensorInfo &second = file.tensors()[1];
    EXPECT_EQ(second.offset, 64u); // 24 bytes padded to the alignment
    EXPECT_EQ(second.type, 8u);
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(file.tensorData(second)), second.bytes), q8);
}

TEST(GgufWriter, RefusesWhatLlamaCppWouldRefuse)
{
    GgufWriter writer;
    writer.addString("general.name", "x");
    EXPECT_THROW(writer.addString("general.name", "y"), EngineError);
    EXPECT_THROW(writer.addTensor(std::string(64, 'n'), {4}, 0, {}), EngineError);
    EXPECT_THROW(writer.addTensor("q8", {31}, 8, {}), EngineError); // rows must fill blocks of 32
    writer.addTensor("t", {4}, 0, {});
    EXPECT_THROW(writer.addTensor("t", {4}, 0, {}), EngineError);
    EXPECT_THROW(GgufWriter(48), EngineError);
}

TEST(GgufWriter, ACancelledOrShortWriteLeavesNothing)
{
    test::TemporaryFolder dir;
    GgufWriter writer;
    writer.addTensor("a", {1}, 0, [] { return floats({1}); });
    writer.addTensor("b", {1}, 0, [] { return floats({2}); });
    try {
        writer.write(dir.file("cancelled.gguf"), [](std::int64_t done, std::int64_t) { return done < 1; });
        ADD_FAILURE() << "the write was not cancelled";
    } catch (const EngineError &error) {
        EXPECT_EQ(error.kind(), EngineError::Kind::Cancelled);
    }
    GgufWriter shortData;
    shortData.addTensor("a", {2}, 0, [] { return floats({1}); });
    EXPECT_THROW(shortData.write(dir.file("short.gguf")), EngineError);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 0);
}

} // namespace
} // namespace mtm::engine
