// The SFT data pipeline: which tokens are learned (the assistant's replies, or everything), truncation and its
// count, the held-out split, the seeded epoch order, padded and packed batches, and errors naming the line.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/chat/ChatTemplate.h"
#include "engine/tokenizer/Tokenizer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/SftData.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <set>

namespace mtm::engine {
namespace {

using nlohmann::json;

json conversation(const std::string &question, const std::string &answer)
{
    return {{"messages", {{{"role", "user"}, {"content", question}}, {{"role", "assistant"}, {"content", answer}}}}};
}

class SftDataTest : public ::testing::Test
{
protected:
    SftDataTest()
        : tokenizer(loadTokenizer(std::string(MTM_SOURCE_DIR) + "/resources/starter-model"))
        , chat(ChatTemplate::forTokenizer(*tokenizer))
    {}

    std::string writeRecords(const std::vector<json> &records)
    {
        std::string text;
        for (const json &record : records)
            text += record.dump() + "\n";
        return writeText(text);
    }
    std::string writeText(const std::string &text)
    {
        const std::string path = folder.file("records-" + std::to_string(++files) + ".jsonl");
        test::writeBytes(path, text);
        return path;
    }
    // The text of the learned tokens of an example, in order.
    std::string learnedText(const TrainingExample &example) const
    {
        std::vector<std::int32_t> ids;
        for (std::size_t i = 0; i < example.ids.size(); ++i)
            if (example.learned[i])
                ids.push_back(example.ids[i]);
        return tokenizer->decode(ids);
    }
    SftDataOptions noSplit() const
    {
        SftDataOptions options;
        options.evalFraction = 0;
        return options;
    }

    test::TemporaryFolder folder;
    int files = 0;
    std::unique_ptr<Tokenizer> tokenizer;
    ChatTemplate chat;
};

TEST_F(SftDataTest, LearnsTheAssistantsReplyAndItsEndMarkerOnly)
{
    const SftData data =
        buildSftData(writeRecords({conversation("What is 2 plus 3?", "2 plus 3 is 5.")}), *tokenizer, chat, noSplit());
    ASSERT_EQ(data.train.size(), 1u);
    EXPECT_EQ(learnedText(data.train[0]), "2 plus 3 is 5.<|eot_id|>");
    EXPECT_EQ(data.train[0].ids.front(), *tokenizer->settings().bos);
    EXPECT_EQ(data.records, 1);
    EXPECT_EQ(data.truncated, 0);
}

TEST_F(SftDataTest, TrainOnPromptsLearnsEveryTokenAfterTheFirst)
{
    SftDataOptions options = noSplit();
    options.trainOnPrompts = true;
    const SftData data = buildSftData(writeRecords({conversation("Hello?", "Hi.")}), *tokenizer, chat, options);
    const TrainingExample &example = data.train.at(0);
    EXPECT_TRUE(std::all_of(example.learned.begin() + 1, example.learned.end(), [](auto v) { return v == 1; }));
    EXPECT_EQ(padBatch({&example}, 0).targetCount, static_cast<std::int64_t>(example.ids.size()) - 1);
}

TEST_F(SftDataTest, TextRecordsAreBosTextEosAllLearned)
{
    const SftData data =
        buildSftData(writeRecords({{{"text", "The cat sat on the mat."}}}), *tokenizer, chat, noSplit());
    const TrainingExample &example = data.train.at(0);
    EXPECT_EQ(example.ids.front(), *tokenizer->settings().bos);
    EXPECT_EQ(example.ids.back(), *tokenizer->settings().eos);
    EXPECT_EQ(learnedText(example), "The cat sat on the mat.<|end_of_text|>");
}

TEST_F(SftDataTest, TruncatesToTheMaximumLengthAndCountsIt)
{
    SftDataOptions options = noSplit();
    options.maxSequenceLength = 24; // the chat template alone takes 14 tokens around "Hi"
    const std::string longAnswer = "This reply goes on for a good many words, far past the limit of the test.";
    // The third record's reply starts after its 24th token: nothing is left to learn, so it is skipped.
    const SftData data = buildSftData(
        writeRecords(
            {conversation("Hi", "Yes."), conversation("Hi", longAnswer),
             conversation("This question alone is longer than the whole limit of the test, by quite a lot.", "Yes.")}),
        *tokenizer, chat, options);
    EXPECT_EQ(data.records, 3);
    EXPECT_EQ(data.truncated, 2);
    EXPECT_EQ(data.withoutTargets, 1);
    ASSERT_EQ(data.train.size(), 2u);
    EXPECT_LT(data.train[0].ids.size(), 24u);
    EXPECT_EQ(learnedText(data.train[0]), "Yes.<|eot_id|>");
    EXPECT_EQ(data.train[1].ids.size(), 24u);
    EXPECT_EQ(data.train[1].learned.size(), 24u);
    EXPECT_EQ(longAnswer.rfind(learnedText(data.train[1]), 0), 0u); // the reply's beginning
}

TEST_F(SftDataTest, HoldsOutAFractionOrACountBySeedKeepingFileOrder)
{
    std::vector<json> records;
    for (int i = 0; i < 20; ++i)
        records.push_back(conversation("Question " + std::to_string(i), "Answer " + std::to_string(i)));
    const std::string path = writeRecords(records);
    const auto answers = [&](const std::vector<TrainingExample> &examples) {
        std::vector<std::string> list;
        for (const TrainingExample &example : examples)
            list.push_back(learnedText(example));
        return list;
    };

    SftDataOptions options;
    options.evalFraction = 0.25;
    options.seed = 1;
    const SftData byFraction = buildSftData(path, *tokenizer, chat, options);
    EXPECT_EQ(byFraction.eval.size(), 5u);
    EXPECT_EQ(byFraction.train.size(), 15u);
    const SftData again = buildSftData(path, *tokenizer, chat, options);
    EXPECT_EQ(answers(again.eval), answers(byFraction.eval));

    std::set<std::string> all;
    for (const auto &list : {answers(byFraction.train), answers(byFraction.eval)}) {
        EXPECT_TRUE(std::is_sorted(list.begin(), list.end(), [](const std::string &a, const std::string &b) {
            return std::stoi(a.substr(7)) < std::stoi(b.substr(7));
        }));
        all.insert(list.begin(), list.end());
    }
    EXPECT_EQ(all.size(), 20u);

    options.seed = 2;
    EXPECT_NE(answers(buildSftData(path, *tokenizer, chat, options).eval), answers(byFraction.eval));

    options.evalCount = 3;
    EXPECT_EQ(buildSftData(path, *tokenizer, chat, options).eval.size(), 3u);
}

TEST_F(SftDataTest, EpochOrderIsASeededPermutationThatChangesPerEpoch)
{
    const auto first = epochOrder(50, 42, 0);
    EXPECT_EQ(first, epochOrder(50, 42, 0));
    EXPECT_NE(first, epochOrder(50, 42, 1));
    EXPECT_NE(first, epochOrder(50, 43, 0));
    auto sorted = first;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        EXPECT_EQ(sorted[i], i);
}

TrainingExample example(std::vector<std::int32_t> ids, std::vector<std::uint8_t> learned)
{
    return {std::move(ids), std::move(learned)};
}

TEST(SftBatchTest, PaddedRowsPredictTheNextLearnedToken)
{
    const TrainingExample a = example({1, 10, 11, 12}, {0, 0, 1, 1});
    const TrainingExample b = example({1, 20}, {0, 1});
    const Batch batch = padBatch({&a, &b}, 0);
    EXPECT_TRUE(torch::equal(batch.ids, torch::tensor({1, 10, 11, 12, 1, 20, 0, 0}).view({2, 4})));
    EXPECT_TRUE(torch::equal(batch.targets, torch::tensor({-100, 11, 12, -100, 20, -100, -100, -100}).view({2, 4})));
    EXPECT_TRUE(torch::equal(batch.positions, torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}).view({2, 4})));
    EXPECT_EQ(batch.targetCount, 3);
    EXPECT_EQ(batch.tokens, 6);
}

TEST(SftBatchTest, PackedRowsRestartPositionsAndNeverAttendAcrossExamples)
{
    const TrainingExample a = example({1, 10, 11}, {0, 1, 1});
    const TrainingExample b = example({1, 20}, {0, 1});
    const TrainingExample c = example({1, 30, 31, 32}, {0, 0, 1, 1});
    const Batch oneRow = packBatch({&a, &b, &c}, 0, 0);
    EXPECT_TRUE(torch::equal(oneRow.ids, torch::tensor({1, 10, 11, 1, 20, 1, 30, 31, 32}).view({1, 9})));
    EXPECT_TRUE(torch::equal(oneRow.positions, torch::tensor({0, 1, 2, 0, 1, 0, 1, 2, 3}).view({1, 9})));
    // No target crosses from one example into the next.
    EXPECT_TRUE(torch::equal(oneRow.targets, torch::tensor({10, 11, -100, 20, -100, -100, 31, 32, -100}).view({1, 9})));
    EXPECT_EQ(oneRow.segmentLengths, (std::vector<std::vector<std::int64_t>>{{3, 2, 4}}));
    EXPECT_EQ(oneRow.targetCount, 5);
    EXPECT_EQ(oneRow.tokens, 9);

    const torch::Tensor mask = packedAttentionMask(oneRow)[0][0];
    for (int query = 0; query < 9; ++query)
        for (int key = 0; key < 9; ++key) {
            const auto segment = [](int at) { return at < 3 ? 0 : at < 5 ? 1 : 2; };
            const bool expected = segment(query) == segment(key) && key <= query;
            EXPECT_EQ(mask[query][key].item<bool>(), expected) << "query " << query << ", key " << key;
        }

    // At most 5 tokens a row: a, then b, then c alone; rows padded to the longest.
    const Batch rows = packBatch({&a, &b, &c}, 5, 0);
    EXPECT_EQ(rows.segmentLengths, (std::vector<std::vector<std::int64_t>>{{3, 2}, {4}}));
    EXPECT_TRUE(torch::equal(rows.ids, torch::tensor({1, 10, 11, 1, 20, 1, 30, 31, 32, 0}).view({2, 5})));
    EXPECT_EQ(rows.targets[1][4].item<std::int64_t>(), -100);
}

TEST_F(SftDataTest, AnUnusableRecordIsNamedByItsLine)
{
    const std::string good = conversation("Hi", "Hello.").dump();
    const auto errorFor = [&](const std::string &text) {
        try {
            buildSftData(writeText(text), *tokenizer, chat, noSplit());
        } catch (const EngineError &error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    const std::string broken = errorFor(good + "\n\n{\"messages\": [}\n");
    EXPECT_NE(broken.find(", line 3: "), std::string::npos) << broken;
    const std::string noRole = errorFor(good + "\n{\"messages\": [{\"content\": \"x\"}]}\n");
    EXPECT_NE(noRole.find(", line 2: "), std::string::npos) << noRole;
    EXPECT_NE(noRole.find("role"), std::string::npos) << noRole;
    const std::string neither = errorFor("{\"title\": \"x\"}\n");
    EXPECT_NE(neither.find("line 1: the record has neither \"messages\" nor \"text\""), std::string::npos) << neither;

    SftDataOptions tiny = noSplit();
    tiny.maxSequenceLength = 3;
    try {
        buildSftData(writeText(good + "\n"), *tokenizer, chat, tiny);
        FAIL() << "a dataset with nothing to learn was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("no record with something to learn within 3 tokens"),
                  std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace mtm::engine
