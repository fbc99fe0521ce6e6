// Tests of perplexity: the mean negative log-likelihood over windows equals the one summed by hand from the
// model's own log-probabilities, BOS starts every window, and cancelling ends in the one cancelled outcome.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/evaluate/Perplexity.h"

#include <cmath>

namespace mtm::engine {
namespace {

// The negative log-likelihood of ids[1..] given what precedes each, in float64.
double negativeLogLikelihood(Transformer &model, const std::vector<std::int64_t> &ids)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = model.forward(ForwardInputs(torch::tensor(ids).unsqueeze(0))).to(torch::kFloat64)[0];
    double sum = 0;
    for (std::size_t i = 1; i < ids.size(); ++i)
        sum -= torch::log_softmax(logits[std::int64_t(i) - 1], -1)[ids[i]].item<double>();
    return sum;
}

TEST(Perplexity, EqualsTheLikelihoodSummedByHandOverEachWindow)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    std::vector<std::int32_t> tokens;
    for (int i = 0; i < 23; ++i)
        tokens.push_back((i * 7 + 3) % 60 + 1);
    const std::int32_t bos = 0;
    const PerplexityResult result = perplexity(*model, tokens, 10, bos);
    EXPECT_EQ(result.windows, 3);
    EXPECT_EQ(result.scoredTokens, 23); // every token, each window led by BOS

    double sum = 0;
    for (std::size_t start = 0; start < tokens.size(); start += 10) {
        std::vector<std::int64_t> window = {bos};
        for (std::size_t i = start; i < std::min(tokens.size(), start + 10); ++i)
            window.push_back(tokens[i]);
        sum += negativeLogLikelihood(*model, window);
    }
    EXPECT_NEAR(result.meanNegativeLogLikelihood, sum / 23, 1e-5);
    EXPECT_NEAR(result.perplexity, std::exp(sum / 23), 1e-4 * result.perplexity);
}

TEST(Perplexity, CancellingEndsInTheCancelledOutcome)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    const std::vector<std::int32_t> tokens(50, 5);
    std::int64_t seen = 0;
    try {
        perplexity(*model, tokens, 10, std::nullopt, [&](std::int64_t done, std::int64_t total) {
            seen = done;
            EXPECT_EQ(total, 5);
            return done < 2;
        });
        ADD_FAILURE() << "scoring ended normally after it was cancelled";
    } catch (const EngineError &error) {
        EXPECT_EQ(error.kind(), EngineError::Kind::Cancelled);
    }
    EXPECT_EQ(seen, 2);
}

} // namespace
} // namespace mtm::engine
