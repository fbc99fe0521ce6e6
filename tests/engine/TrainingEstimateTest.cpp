// The estimate of a job's memory and work before it runs: the differences between the methods that users choose
// by (how much NF4, the fast path and checkpointing save) hold in the estimate as they do in a run. How close it
// comes to measured runs is what bench_training prints (docs/benchmarks.md).
#include "engine/train/TrainingEstimate.h"
#include "../benchmarks/BenchmarkModels.h"

#include <gtest/gtest.h>

using namespace mtm::engine;
using mtm::bench::llama100m; // the benchmark's model, so that the figures of docs/benchmarks.md apply

namespace {

TrainingConfig job(TrainingMethod method)
{
    TrainingConfig c;
    c.method = method;
    c.lora.rank = 16;
    c.lora.dropout = 0;
    c.qloraFastPath = true;
    c.baseIn4Bit = method == TrainingMethod::Qlora;
    return c;
}

const BatchFootprint kBatch{2048, 1500, 8 * 256 * 256};

TrainingMemory estimate(const TrainingConfig &config, const BatchFootprint &batch = kBatch)
{
    return estimateTrainingMemory(llama100m(), config, 2, false, batch);
}

const double kParameters = double(llama100m().parameterCount());

} // namespace

TEST(TrainingEstimate, Nf4HoldsTheProjectionsInAboutAQuarterOfTheirBytes)
{
    const TrainingMemory lora = estimate(job(TrainingMethod::FastLora));
    const TrainingMemory qlora = estimate(job(TrainingMethod::Qlora));
    EXPECT_DOUBLE_EQ(double(lora.weights), 2 * kParameters);
    EXPECT_LT(qlora.weights, lora.weights / 2);
    // While it loads, the base is held in 16 bits before it becomes NF4.
    EXPECT_EQ(qlora.loading, lora.weights);
}

TEST(TrainingEstimate, FullFineTuningHoldsAdamWStateForEveryWeight)
{
    const TrainingMemory full = estimate(job(TrainingMethod::Full));
    const TrainingMemory lora = estimate(job(TrainingMethod::Lora));
    // A gradient (2 bytes), a float32 master copy and two float32 moments per weight.
    EXPECT_DOUBLE_EQ(double(full.optimizer), 14 * kParameters);
    EXPECT_LT(lora.optimizer * 20, full.optimizer);
    TrainingConfig accumulating = job(TrainingMethod::Full);
    accumulating.gradientAccumulation = 4;
    EXPECT_DOUBLE_EQ(double(estimate(accumulating).optimizer), 18 * kParameters); // and the float32 sum
}

TEST(TrainingEstimate, TheFastPathAndCheckpointingKeepLessForTheBackwardPass)
{
    TrainingConfig fast = job(TrainingMethod::FastLora);
    fast.gradientCheckpointing = false;
    TrainingConfig checkpointed = fast;
    checkpointed.gradientCheckpointing = true;
    const TrainingMemory autograd = estimate(job(TrainingMethod::Lora));
    EXPECT_LT(estimate(fast).activations, autograd.activations);
    EXPECT_LT(estimate(checkpointed).activations, estimate(fast).activations / 2);
    // Autograd makes the logits of every position; the fast path works through them in chunks.
    EXPECT_LT(estimate(fast).loss * 3, autograd.loss);
}

TEST(TrainingEstimate, GrowsWithTheBatch)
{
    const TrainingConfig lora = job(TrainingMethod::Lora);
    const BatchFootprint doubled{2 * kBatch.positions, 2 * kBatch.targets, 2 * kBatch.attentionPairs};
    const TrainingMemory one = estimate(lora), two = estimate(lora, doubled);
    EXPECT_EQ(two.weights, one.weights);
    EXPECT_EQ(two.optimizer, one.optimizer);
    EXPECT_NEAR(double(two.activations), 2.0 * double(one.activations), 1.0);
    EXPECT_NEAR(double(two.loss), 2.0 * double(one.loss), 1.0);
    EXPECT_GT(two.peak(), one.peak());
}

TEST(TrainingEstimate, TheWorkOfAStepFollowsTheMethod)
{
    const ModelConfig model = llama100m();
    const double tokens = 2048, pairs = 8 * 256 * 257 / 2.0;
    const double forward = forwardFlops(model, tokens, pairs);
    const double full = trainingFlops(model, job(TrainingMethod::Full), tokens, pairs);
    const double lora = trainingFlops(model, job(TrainingMethod::Lora), tokens, pairs);
    // Forward and backward: three forward passes for full fine-tuning, a bit over two for LoRA (the frozen weights
    // only pass the gradient on).
    EXPECT_NEAR(full / forward, 3.0, 1e-9);
    EXPECT_GT(lora / forward, 2.0);
    EXPECT_LT(lora / forward, 2.2);
    // Time grows with the work and shrinks with the machine's speed.
    const TrainingConfig config = job(TrainingMethod::Lora);
    EXPECT_DOUBLE_EQ(estimateCpuSeconds(model, config, 2 * lora, 1e12),
                     2 * estimateCpuSeconds(model, config, lora, 1e12));
    EXPECT_DOUBLE_EQ(estimateCpuSeconds(model, config, lora, 2e12), estimateCpuSeconds(model, config, lora, 1e12) / 2);
    // The fast path is estimated faster than autograd on the same work.
    EXPECT_LT(estimateCpuSeconds(model, job(TrainingMethod::FastLora), lora, 1e12),
              estimateCpuSeconds(model, config, lora, 1e12));
}
