// Tests of tokenizer behaviour beyond the reference files: tokenizer.json in the SentencePiece style, special
// tokens, BOS/EOS, streaming decoding, and clear errors for malformed tokenizer files.
#include "EngineTestSupport.h"
#include "TokenizerJsonSupport.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/tokenizer/Unicode.h"

#include <nlohmann/json.hpp>

namespace mtm::engine {
namespace {

using nlohmann::json;

// A small SentencePiece-style tokenizer.json (Llama 2 layout) with byte fallback.
json sentencePieceTokenizer()
{
    json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        vocab[name] = 3 + b;
    }
    int next = 259;
    for (const char *token :
         {"\xE2\x96\x81", "h", "e", "l", "o", "w", "r", "d", "\xE2\x96\x81h", "ll", "\xE2\x96\x81he", "llo",
          "\xE2\x96\x81hello", "\xE2\x96\x81w", "or", "\xE2\x96\x81wor", "ld", "\xE2\x96\x81world"})
        vocab[token] = next++;
    const json merges = {"\xE2\x96\x81 h", "l l", "\xE2\x96\x81h e",  "ll o", "\xE2\x96\x81he llo",
                         "\xE2\x96\x81 w", "o r", "\xE2\x96\x81w or", "l d",  "\xE2\x96\x81wor ld"};
    return test::sentencePieceTokenizerJson(vocab, merges,
                                            {{{"id", 0}, {"content", "<unk>"}, {"special", true}},
                                             {{"id", 1}, {"content", "<s>"}, {"special", true}},
                                             {{"id", 2}, {"content", "</s>"}, {"special", true}}});
}

std::unique_ptr<Tokenizer> writeAndLoad(const test::TemporaryFolder &dir, const json &tokenizer,
                                        const json &config = {})
{
    std::ofstream(dir.file("tokenizer.json")) << tokenizer.dump();
    if (!config.is_null())
        std::ofstream(dir.file("tokenizer_config.json")) << config.dump();
    return loadTokenizer(dir.path());
}

TEST(Tokenizer, SentencePieceJsonMergesAndFallsBackToBytes)
{
    test::TemporaryFolder dir;
    const auto tokenizer = writeAndLoad(dir, sentencePieceTokenizer(),
                                        {{"add_bos_token", true}, {"bos_token", "<s>"}, {"eos_token", "</s>"}});
    const auto hello = *tokenizer->idOf("\xE2\x96\x81hello");
    const auto world = *tokenizer->idOf("\xE2\x96\x81world");
    EXPECT_EQ(tokenizer->encode("hello world"), (std::vector<std::int32_t>{hello, world}));
    EXPECT_EQ(tokenizer->encode("hello world", {true, false}), (std::vector<std::int32_t>{1, hello, world}));
    // "€" is not in the vocabulary: its three UTF-8 bytes.
    const auto euro = tokenizer->encode("\xE2\x82\xAC");
    EXPECT_EQ(euro, (std::vector<std::int32_t>{*tokenizer->idOf("\xE2\x96\x81"), 3 + 0xE2, 3 + 0x82, 3 + 0xAC}));
    EXPECT_EQ(tokenizer->decode(euro), "\xE2\x82\xAC");
    EXPECT_EQ(tokenizer->decode(tokenizer->encode("hello world")), "hello world");
}

TEST(Tokenizer, SpecialTokensAreParsedOnlyWhenAsked)
{
    test::TemporaryFolder dir;
    const auto tokenizer = writeAndLoad(dir, sentencePieceTokenizer());
    const auto plain = tokenizer->encode("</s>");
    EXPECT_EQ(std::count(plain.begin(), plain.end(), 2), 0);
    const auto parsed = tokenizer->encode("hello</s>world", {false, true});
    ASSERT_EQ(parsed.size(), 3u);
    EXPECT_EQ(parsed[1], 2);
    // After a special token SentencePiece starts a new word, as Llama 2 does.
    EXPECT_EQ(parsed[2], *tokenizer->idOf("\xE2\x96\x81world"));
    EXPECT_EQ(tokenizer->decode(parsed), "hello</s> world");
    EXPECT_EQ(tokenizer->decode(parsed, true), "hello world");
}

TEST(Tokenizer, StreamingDecoderWaitsForWholeCharacters)
{
    MTM_REQUIRE_TESTDATA(data);
    const auto tokenizer = loadTokenizerFromGguf(GgufFile(data + "/tokenizers/ggml-vocab-llama-spm.gguf"));
    const std::string text = "Hi 🦙 there";
    const auto ids = tokenizer->encode(text);
    StreamingDecoder decoder(*tokenizer);
    std::string streamed;
    for (const auto id : ids) {
        const std::string part = decoder.push(id);
        EXPECT_EQ(unicode::completeUtf8Prefix(part), part.size()) << "a partial character was given out";
        streamed += part;
    }
    streamed += decoder.finish();
    EXPECT_EQ(streamed, text);
}

TEST(Tokenizer, StreamingDecoderReplacesAnUnfinishedCharacter)
{
    MTM_REQUIRE_TESTDATA(data);
    const auto tokenizer = loadTokenizerFromGguf(GgufFile(data + "/tokenizers/ggml-vocab-llama-spm.gguf"));
    StreamingDecoder decoder(*tokenizer);
    EXPECT_EQ(decoder.push(*tokenizer->idOf("<0xF0>")), "");
    EXPECT_EQ(decoder.push(*tokenizer->idOf("<0x9F>")), "");
    EXPECT_EQ(decoder.finish(), "\xEF\xBF\xBD");
}

struct BrokenTokenizer
{
    const char *name;
    std::string content;
    const char *expected;
};

class TokenizerJsonErrors : public ::testing::TestWithParam<BrokenTokenizer>
{};

TEST_P(TokenizerJsonErrors, SayWhatIsWrong)
{
    test::TemporaryFolder dir;
    test::writeBytes(dir.file("tokenizer.json"), GetParam().content);
    try {
        loadTokenizer(dir.file("tokenizer.json"));
        FAIL() << "the tokenizer was accepted";
    } catch (const EngineError &error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("tokenizer.json"), std::string::npos) << message;
        EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    }
}

json withModel(const json &change)
{
    json tokenizer = sentencePieceTokenizer();
    tokenizer["model"].update(change);
    return tokenizer;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TokenizerJsonErrors,
    ::testing::Values(
        BrokenTokenizer{"not_json", "{\"model\": ", "not valid JSON"},
        BrokenTokenizer{"no_model", "{}", "has no \"model\" section"},
        BrokenTokenizer{"wordpiece", R"({"model": {"type": "WordPiece", "vocab": {}}})",
                        "\"WordPiece\" is not supported"},
        BrokenTokenizer{"bad_id", withModel({{"vocab", {{"a", "one"}}}}).dump(),
                        "the id of token 'a' is \"one\"; ids are whole numbers from 0"},
        BrokenTokenizer{"bad_merge", withModel({{"merges", {"q z"}}}).dump(),
                        "uses a token that is not in the vocabulary"},
        BrokenTokenizer{"merge_shape", withModel({{"merges", {"single"}}}).dump(), "is not two tokens"},
        BrokenTokenizer{"no_bytes", withModel({{"vocab", {{"a", 0}}}, {"merges", json::array()}}).dump(),
                        "has no token <0x"},
        BrokenTokenizer{
            "regex",
            R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\w+"}}, {"type": "ByteLevel"}]}})",
            "the pre-tokenizer expression \\w+ is not supported"}),
    [](const ::testing::TestParamInfo<BrokenTokenizer> &info) { return std::string(info.param.name); });

} // namespace
} // namespace mtm::engine

namespace mtm::engine {
namespace {

TEST(Unicode, NfcComposesReordersAndKeepsAscii)
{
    EXPECT_EQ(unicode::toNfc("plain ascii"), "plain ascii");
    EXPECT_EQ(unicode::toNfc("e\xCC\x81"), "\xC3\xA9");                                // e + combining acute -> é
    EXPECT_EQ(unicode::toNfc("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), "\xEA\xB0\x81"); // Hangul jamo -> 각
    EXPECT_EQ(unicode::toNfc("a\xCC\x82\xCC\xA3"), "\xE1\xBA\xAD"); // a + circumflex + dot below -> ậ
    EXPECT_EQ(unicode::toNfc("\xE2\x84\xAB"), "\xC3\x85");          // Angstrom sign -> Å
}

TEST(Unicode, BrokenUtf8IsReplacedByMaximalSubparts)
{
    std::size_t position = 0;
    const std::string truncated = "\xF0\x9F";
    EXPECT_EQ(unicode::decodeUtf8(truncated, position), 0xFFFDu);
    EXPECT_EQ(position, 2u);
    position = 0;
    const std::string surrogate = "\xED\xA0\x80";
    EXPECT_EQ(unicode::decodeUtf8(surrogate, position), 0xFFFDu);
    EXPECT_EQ(position, 1u);
}

} // namespace
} // namespace mtm::engine
