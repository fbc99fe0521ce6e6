// The tokenizer against reference tokenizations of real models' vocabularies (../shared/testdata/tokenizers):
// every test string must give exactly the reference ids, and decode back to itself.
#include "EngineTestSupport.h"

#include "engine/embed/WordPiece.h"
#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace mtm::engine {
namespace {

struct ReferenceCase
{
    std::string text;
    std::vector<std::int32_t> ids;
};

std::vector<ReferenceCase> readReference(const std::string &base)
{
    std::ifstream inputs(base + ".inp", std::ios::binary), outputs(base + ".out", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(inputs)), std::istreambuf_iterator<char>());
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<std::string> texts;
    for (std::size_t start = 0;;) {
        const std::size_t end = all.find(separator, start);
        if (end == std::string::npos)
            break;
        texts.push_back(all.substr(start, end - start));
        start = end + separator.size();
    }
    std::vector<ReferenceCase> cases;
    std::string line;
    for (const std::string &text : texts) {
        std::getline(outputs, line);
        ReferenceCase c{text, {}};
        std::istringstream ids(line);
        for (std::int32_t id; ids >> id;)
            c.ids.push_back(id);
        cases.push_back(std::move(c));
    }
    return cases;
}

class TokenizerReference : public ::testing::TestWithParam<std::string>
{};

TEST_P(TokenizerReference, MatchesEveryReferenceTokenization)
{
    MTM_REQUIRE_TESTDATA(data);
    const std::string base = data + "/tokenizers/ggml-vocab-" + GetParam() + ".gguf";
    const auto tokenizer = loadTokenizerFromGguf(GgufFile(base));
    const auto cases = readReference(base);
    ASSERT_GE(cases.size(), 40u);
    int mismatches = 0;
    for (const ReferenceCase &c : cases) {
        const std::vector<std::int32_t> ids = tokenizer->encode(c.text);
        if (ids != c.ids) {
            ++mismatches;
            std::ostringstream got;
            for (const auto id : ids)
                got << ' ' << id;
            ADD_FAILURE() << GetParam() << ": \"" << c.text << "\" gave" << got.str();
            continue;
        }
        EXPECT_EQ(tokenizer->decode(ids), c.text) << GetParam();
    }
    EXPECT_EQ(mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(Vocabularies, TokenizerReference, ::testing::Values("gpt-2", "llama-spm", "phi-3"),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                             std::string name = info.param;
                             for (char &c : name)
                                 c = c == '-' ? '_' : c;
                             return name;
                         });

} // namespace
// BERT's WordPiece (the bge embedding model's vocabulary): every reference tokenization, read from the GGUF file
// and from the vocab.txt and tokenizer.json a sentence-transformers folder carries instead.
TEST(TokenizerReference, BertWordPieceMatchesEveryReferenceTokenization)
{
    MTM_REQUIRE_TESTDATA(data);
    const std::string base = data + "/tokenizers/ggml-vocab-bert-bge.gguf";
    const WordPieceTokenizer fromGguf = WordPieceTokenizer::fromGguf(GgufFile(base));
    EXPECT_EQ(fromGguf.piece(7592), "hello");
    EXPECT_EQ(fromGguf.piece(2094), "##d");
    EXPECT_EQ(fromGguf.classifierId(), 101);
    EXPECT_EQ(fromGguf.separatorId(), 102);

    test::TemporaryFolder vocabFolder, jsonFolder;
    {
        std::ofstream vocab(vocabFolder.file("vocab.txt"), std::ios::binary);
        nlohmann::json pieces = nlohmann::json::object();
        for (std::int32_t id = 0; id < fromGguf.vocabularySize(); ++id) {
            vocab << fromGguf.piece(id) << '\n';
            pieces[fromGguf.piece(id)] = id;
        }
        std::ofstream(vocabFolder.file("tokenizer_config.json")) << R"({"do_lower_case": true, "unk_token": "[UNK]"})";
        std::ofstream(jsonFolder.file("tokenizer.json")) << nlohmann::json{
            {"normalizer", {{"type", "BertNormalizer"}, {"lowercase", true}}},
            {"model",
             {{"type", "WordPiece"},
              {"unk_token", "[UNK]"},
              {"continuing_subword_prefix", "##"},
              {"max_input_chars_per_word", 100},
              {"vocab", pieces}}}}.dump();
    }
    const WordPieceTokenizer fromVocab = WordPieceTokenizer::fromFolder(vocabFolder.path());
    const WordPieceTokenizer fromJson = WordPieceTokenizer::fromFolder(jsonFolder.path());
    const auto cases = readReference(base);
    ASSERT_GE(cases.size(), 40u);
    for (const ReferenceCase &c : cases) {
        EXPECT_EQ(fromGguf.encode(c.text), c.ids) << "\"" << c.text << "\"";
        EXPECT_EQ(fromVocab.encode(c.text), c.ids) << "vocab.txt: \"" << c.text << "\"";
        EXPECT_EQ(fromJson.encode(c.text), c.ids) << "tokenizer.json: \"" << c.text << "\"";
    }
    const std::vector<std::int32_t> framed = fromGguf.encode("Hello world", true);
    EXPECT_EQ(framed, (std::vector<std::int32_t>{101, 7592, 2088, 102}));
}

} // namespace mtm::engine
