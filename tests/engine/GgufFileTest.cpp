// Tests of the GGUF reader on real vocabulary files and on damaged ones.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"

#include <fstream>
#include <iterator>

namespace mtm::engine {
namespace {

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
