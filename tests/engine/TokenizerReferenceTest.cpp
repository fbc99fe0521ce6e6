// The tokenizer against reference tokenizations of real models' vocabularies (../shared/testdata/tokenizers):
// every test string must give exactly the reference ids, and decode back to itself.
#include "EngineTestSupport.h"

#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"

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
} // namespace mtm::engine
