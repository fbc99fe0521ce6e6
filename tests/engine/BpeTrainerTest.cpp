// Tests of BPE training: the trained tokenizer loads, round-trips any text (bytes are always in the
// vocabulary), compresses the text it was trained on, and training is deterministic.
#include "EngineTestSupport.h"

#include "engine/tokenizer/BpeTrainer.h"
#include "engine/tokenizer/TokenizerLoader.h"

namespace mtm::engine {
namespace {

const std::vector<std::string> kSpecial = {"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"};

std::vector<std::string> corpus()
{
    std::vector<std::string> texts;
    for (int i = 0; i < 50; ++i)
        texts.push_back("The quick brown fox jumps over the lazy dog number " + std::to_string(i) +
                        ". Training a tokenizer finds frequent pairs, then merges them.\n");
    return texts;
}

TEST(BpeTrainer, LearnsMergesThatCompressItsText)
{
    const TrainedBpe bpe = trainByteLevelBpe(corpus(), 400, kSpecial);
    // A small text runs out of pairs seen twice before the vocabulary is full.
    EXPECT_LE(bpe.tokens.size() + bpe.specialTokens.size(), 400u);
    EXPECT_GT(bpe.merges.size(), 50u);
    EXPECT_EQ(bpe.tokens.size(), 256 + bpe.merges.size());

    test::TemporaryFolder dir;
    writeTrainedTokenizer(bpe, dir.path(), "<|begin_of_text|>", "<|end_of_text|>", "");
    const auto tokenizer = loadTokenizer(dir.path());
    EXPECT_EQ(tokenizer->vocabularySize(), static_cast<std::int32_t>(bpe.tokens.size() + kSpecial.size()));
    const std::string seen = "The quick brown fox jumps over the lazy dog number 7.";
    EXPECT_LT(tokenizer->encode(seen).size(), seen.size() / 3);
    for (const std::string &text : {seen, std::string("Unseen: Grüße 😀 日本語 \t\n  spaces")})
        EXPECT_EQ(tokenizer->decode(tokenizer->encode(text)), text);

    // BOS comes from the post-processor, as transformers reads it.
    const auto withBos = tokenizer->encode("fox", {true, false});
    EXPECT_EQ(withBos.front(), *tokenizer->idOf("<|begin_of_text|>"));
    EXPECT_EQ(tokenizer->encode("<|eot_id|>", {false, true}),
              std::vector<std::int32_t>{*tokenizer->idOf("<|eot_id|>")});
}

TEST(BpeTrainer, IsDeterministic)
{
    const TrainedBpe first = trainByteLevelBpe(corpus(), 300, kSpecial);
    const TrainedBpe second = trainByteLevelBpe(corpus(), 300, kSpecial);
    EXPECT_EQ(first.merges, second.merges);
}

} // namespace
} // namespace mtm::engine
