// AdamW against LibTorch's own torch::optim::AdamW, its mixed-precision master weights and gradient sums,
// gradient clipping, and the learning-rate schedules against transformers' formulas.
#include "engine/train/AdamW.h"
#include "engine/train/LearningRate.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace mtm::engine {
namespace {

TEST(LearningRate, LinearWithWarmupAsTransformers)
{
    // get_linear_schedule_with_warmup(warmup=2, total=10): 0, 0.5, then (10 - k) / 8.
    const double expected[] = {0.0, 0.5, 1.0, 7.0 / 8, 6.0 / 8, 5.0 / 8, 4.0 / 8, 3.0 / 8, 2.0 / 8, 1.0 / 8};
    for (int k = 0; k < 10; ++k)
        EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Linear, k, 2, 10), expected[k]) << k;
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Linear, 10, 2, 10), 0.0);
}

TEST(LearningRate, CosineAndConstant)
{
    // get_cosine_schedule_with_warmup: 0.5 (1 + cos(pi progress)).
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Cosine, 1, 2, 10), 0.5);
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Cosine, 2, 2, 10), 1.0);
    EXPECT_NEAR(learningRateFactor(LearningRateSchedule::Cosine, 6, 2, 10), 0.5, 1e-15);
    EXPECT_NEAR(learningRateFactor(LearningRateSchedule::Cosine, 4, 2, 10), 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-15);
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Constant, 0, 3, 10), 0.0);
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Constant, 9, 3, 10), 1.0);
    EXPECT_DOUBLE_EQ(learningRateFactor(LearningRateSchedule::Linear, 0, 0, 4), 1.0); // no warmup
}

TEST(LearningRate, WarmupStepsFromTheRatioRoundUp)
{
    TrainingConfig config;
    config.warmupRatio = 0.03;
    EXPECT_EQ(warmupStepsFor(config, 204), 7); // ceil(6.12)
    config.warmupSteps = 5;
    EXPECT_EQ(warmupStepsFor(config, 204), 5);
}

torch::Tensor quadraticLoss(const torch::Tensor &a, const torch::Tensor &b, int step)
{
    const torch::Tensor target = torch::full_like(a, 0.3 * step);
    return (a - target).pow(2).sum() + (b * b * b).sum();
}

TEST(AdamW, EqualsLibTorchsAdamW)
{
    torch::manual_seed(3);
    const torch::Tensor startA = torch::randn({5, 4}), startB = torch::randn({3});
    torch::Tensor mineA = startA.clone().requires_grad_(true), mineB = startB.clone().requires_grad_(true);
    torch::Tensor theirsA = startA.clone().requires_grad_(true), theirsB = startB.clone().requires_grad_(true);
    AdamW mine({{"a", mineA, true}, {"b", mineB, false}}, {0.9, 0.999, 1e-8, 0.1});
    // LibTorch's AdamW with two groups: decay on a, none on b.
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(std::vector<torch::Tensor>{theirsA},
                        std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(0.01).weight_decay(0.1)));
    groups.emplace_back(std::vector<torch::Tensor>{theirsB},
                        std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(0.01).weight_decay(0.0)));
    torch::optim::AdamW theirs(groups, torch::optim::AdamWOptions(0.01));
    for (int step = 0; step < 6; ++step) {
        const double learningRate = 0.01 * (1.0 - step / 10.0);
        for (auto &group : theirs.param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(learningRate);
        quadraticLoss(mineA, mineB, step).backward();
        mine.gatherGradients();
        mine.step(learningRate);
        theirs.zero_grad();
        quadraticLoss(theirsA, theirsB, step).backward();
        theirs.step();
    }
    EXPECT_TRUE(torch::allclose(mineA, theirsA, 1e-6, 1e-7)) << (mineA - theirsA).abs().max().item<double>();
    EXPECT_TRUE(torch::allclose(mineB, theirsB, 1e-6, 1e-7)) << (mineB - theirsB).abs().max().item<double>();
    EXPECT_EQ(mine.steps(), 6);
}

TEST(AdamW, KeepsFloat32MastersForBf16Parameters)
{
    torch::manual_seed(4);
    torch::Tensor value = torch::randn({64}).to(torch::kBFloat16).requires_grad_(true);
    torch::Tensor reference = value.detach().to(torch::kFloat32).requires_grad_(true);
    AdamW mixed({{"w", value, true}}, {});
    AdamW plain({{"w", reference, true}}, {});
    for (int step = 0; step < 20; ++step) {
        // Two micro-batches summed in float32 before the update.
        for (int micro = 0; micro < 2; ++micro) {
            (value.to(torch::kFloat32) * (micro + 1)).sum().backward();
            mixed.gatherGradients();
            (reference * (micro + 1)).sum().backward();
            plain.gatherGradients();
        }
        mixed.step(1e-4);
        plain.step(1e-4);
    }
    // Tiny steps that bf16 alone would round away accumulate in the master copy.
    const torch::Tensor master = mixed.weights().front().second;
    EXPECT_EQ(master.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::allclose(master, reference.detach(), 0, 1e-6));
    EXPECT_TRUE(torch::equal(value.detach(), master.to(torch::kBFloat16)));
}

TEST(AdamW, ClipsTheGlobalNormAndReportsItBeforeClipping)
{
    torch::Tensor a = torch::zeros({2}).requires_grad_(true), b = torch::zeros({1}).requires_grad_(true);
    AdamW optimizer({{"a", a, true}, {"b", b, true}}, {});
    (a * torch::tensor({3.0f, 0.0f})).sum().backward();
    (b * 4.0).sum().backward();
    EXPECT_NEAR(optimizer.clipGradients(1.0), 5.0, 1e-6);
    const double clipped = std::sqrt(a.grad().pow(2).sum().item<double>() + b.grad().pow(2).sum().item<double>());
    EXPECT_NEAR(clipped, 1.0, 1e-5);
    EXPECT_NEAR(optimizer.clipGradients(10.0), clipped, 1e-6); // below the limit: unchanged
    EXPECT_NEAR(optimizer.clipGradients(0.0), clipped, 1e-6);  // 0: clipping off
}

TEST(AdamW, RestoresItsStateExactly)
{
    torch::manual_seed(5);
    torch::Tensor first = torch::randn({8}).to(torch::kBFloat16).requires_grad_(true);
    AdamW optimizer({{"w", first, true}}, {0.9, 0.999, 1e-8, 0.01});
    for (int step = 0; step < 3; ++step) {
        (first.to(torch::kFloat32).pow(2)).sum().backward();
        optimizer.gatherGradients();
        optimizer.step(1e-2);
    }
    std::map<std::string, torch::Tensor> weights, moments;
    for (const auto &[name, tensor] : optimizer.weights())
        weights[name] = tensor.clone();
    for (const auto &[name, tensor] : optimizer.moments())
        moments[name] = tensor.clone();

    torch::Tensor second = torch::zeros({8}, torch::kBFloat16).requires_grad_(true);
    AdamW restored({{"w", second, true}}, {0.9, 0.999, 1e-8, 0.01});
    restored.restore(weights, moments, optimizer.steps());
    for (AdamW *each : {&optimizer, &restored}) {
        torch::Tensor &value = each == &optimizer ? first : second;
        (value.to(torch::kFloat32).pow(2)).sum().backward();
        each->gatherGradients();
        each->step(1e-2);
    }
    EXPECT_TRUE(torch::equal(first, second));
    EXPECT_TRUE(torch::equal(optimizer.weights().front().second, restored.weights().front().second));

    weights["w"] = torch::zeros({9});
    EXPECT_THROW(restored.restore(weights, moments, 3), std::exception);
}

} // namespace
} // namespace mtm::engine
