// Tests of sampling and generation: greedy decoding with the cache equals argmax of full recomputation, stop
// tokens, limits, cancellation, seeds, and the sampling filters.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/generate/Generator.h"

#include <map>

namespace mtm::engine {
namespace {

std::vector<std::int32_t> greedyByRecomputation(Transformer &model, std::vector<std::int32_t> ids, int steps)
{
    torch::NoGradGuard noGrad;
    std::vector<std::int32_t> generated;
    for (int i = 0; i < steps; ++i) {
        std::vector<std::int64_t> wide(ids.begin(), ids.end());
        const torch::Tensor logits = model.forward(ForwardInputs(torch::tensor(wide).unsqueeze(0)));
        const auto next = static_cast<std::int32_t>(logits[0][-1].argmax().item<std::int64_t>());
        generated.push_back(next);
        ids.push_back(next);
    }
    return generated;
}

TEST(Generator, GreedyWithTheCacheEqualsFullRecomputation)
{
    for (const ModelFamily family : {ModelFamily::Llama, ModelFamily::Mistral, ModelFamily::Qwen2}) {
        auto model = test::tinyModel(test::tinyConfig(family));
        const std::vector<std::int32_t> prompt = {4, 9, 33, 2};
        GenerationOptions options;
        options.maxNewTokens = 12;
        const GenerationResult result = generate(*model, prompt, options);
        EXPECT_EQ(result.reason, GenerationResult::StopReason::MaxTokens);
        EXPECT_EQ(result.tokens, greedyByRecomputation(*model, prompt, 12));
    }
}

TEST(Generator, StopsAtAStopTokenAndWhenCancelled)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    GenerationOptions options;
    options.maxNewTokens = 12;
    const GenerationResult free = generate(*model, {1, 2, 3}, options);
    ASSERT_GE(free.tokens.size(), 4u);

    options.stopTokens = {free.tokens[3]};
    const GenerationResult stopped = generate(*model, {1, 2, 3}, options);
    EXPECT_EQ(stopped.reason, GenerationResult::StopReason::StopToken);
    EXPECT_LE(stopped.tokens.size(), 3u);

    int seen = 0;
    try {
        generate(*model, {1, 2, 3}, {}, [&](std::int32_t) { return ++seen < 2; });
        ADD_FAILURE() << "generation ended normally after it was cancelled";
    } catch (const EngineError &error) {
        EXPECT_EQ(error.kind(), EngineError::Kind::Cancelled);
    }
    EXPECT_EQ(seen, 2);
    EXPECT_TRUE(model->is_training()); // back in the mode it was in
}

TEST(Generator, StopsWhenTheContextIsFull)
{
    ModelConfig config = test::tinyConfig(ModelFamily::Llama);
    config.maxPositions = 8;
    auto model = test::tinyModel(config);
    GenerationOptions options;
    options.maxNewTokens = 100;
    const GenerationResult result = generate(*model, {1, 2, 3}, options);
    EXPECT_EQ(result.reason, GenerationResult::StopReason::ContextFull);
    EXPECT_EQ(result.tokens.size(), 5u);
    EXPECT_THROW(generate(*model, std::vector<std::int32_t>(8, 1), options), EngineError);
}

TEST(Generator, TheSeedDecidesTheSample)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    GenerationOptions options;
    options.maxNewTokens = 20;
    options.sampling.temperature = 1.5;
    options.sampling.seed = 7;
    const auto first = generate(*model, {5, 6}, options).tokens;
    EXPECT_EQ(generate(*model, {5, 6}, options).tokens, first);
    options.sampling.seed = 8;
    EXPECT_NE(generate(*model, {5, 6}, options).tokens, first);
}

TEST(Sampler, FiltersAndPenalties)
{
    const torch::Tensor logits = torch::tensor({1.0, 3.0, 2.0, 0.5});
    EXPECT_EQ(Sampler({}).next(logits, {}), 1);                     // greedy
    EXPECT_EQ(Sampler({2.0, 1, 1.0, 1.0, 3}).next(logits, {}), 1);  // top-k 1
    EXPECT_EQ(Sampler({2.0, 0, 0.01, 1.0, 3}).next(logits, {}), 1); // top-p keeps only the best
    EXPECT_EQ(Sampler({0.0, 0, 1.0, 2.0, 3}).next(logits, {1}), 2); // 3/2 = 1.5 < 2
    EXPECT_THROW(Sampler({-1.0, 0, 1.0, 1.0, 0}), EngineError);
}

TEST(Sampler, SamplesInProportionToTheSoftmax)
{
    const torch::Tensor logits = torch::tensor({0.0, std::log(2.0), std::log(5.0)});
    Sampler sampler({1.0, 0, 1.0, 1.0, 42});
    std::map<std::int32_t, int> counts;
    const int draws = 40000;
    for (int i = 0; i < draws; ++i)
        ++counts[sampler.next(logits, {})];
    EXPECT_NEAR(counts[0] / double(draws), 1.0 / 8.0, 0.01);
    EXPECT_NEAR(counts[1] / double(draws), 2.0 / 8.0, 0.01);
    EXPECT_NEAR(counts[2] / double(draws), 5.0 / 8.0, 0.01);

    // Top-p 0.7: the two most likely (5/8 + 2/8 = 0.875 >= 0.7) share the draws 5:2.
    Sampler nucleus({1.0, 0, 0.7, 1.0, 42});
    counts.clear();
    for (int i = 0; i < draws; ++i)
        ++counts[nucleus.next(logits, {})];
    EXPECT_EQ(counts[0], 0);
    EXPECT_NEAR(counts[2] / double(draws), 5.0 / 7.0, 0.01);
}

} // namespace
} // namespace mtm::engine
