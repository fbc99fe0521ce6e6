// The training passes agree with each other: the fast path with the standard one, activation checkpointing
// (with LoRA dropout replayed) with keeping everything, and packed batches with padded ones — same loss and
// same gradients, in float64.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/train/Lora.h"
#include "engine/train/TrainingPass.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace mtm::engine {
namespace {

std::vector<TrainingExample> examples()
{
    std::vector<TrainingExample> list;
    const std::vector<std::vector<std::int32_t>> ids = {{1, 5, 9, 2, 44, 7}, {3, 3, 8}, {10, 20, 30, 40, 50, 60, 5, 6, 7}};
    for (const auto &sequence : ids) {
        TrainingExample example;
        example.ids = sequence;
        example.learned.assign(sequence.size(), 1);
        example.learned[1] = 0; // a prompt token
        list.push_back(example);
    }
    return list;
}

std::vector<const TrainingExample *> pointers(const std::vector<TrainingExample> &list)
{
    std::vector<const TrainingExample *> result;
    for (const TrainingExample &example : list)
        result.push_back(&example);
    return result;
}

struct PassResult
{
    double loss;
    std::vector<torch::Tensor> gradients;
};

PassResult runPass(Transformer &model, const std::vector<torch::Tensor> &trainable, const Batch &batch, const PassOptions &options)
{
    for (const torch::Tensor &parameter : trainable)
        if (parameter.grad().defined())
            parameter.mutable_grad().zero_();
    PassResult result{trainOnBatch(model, batch, 1.0, options), {}};
    for (const torch::Tensor &parameter : trainable)
        result.gradients.push_back(parameter.grad().clone());
    return result;
}

void expectSame(const PassResult &a, const PassResult &b, double tolerance)
{
    EXPECT_NEAR(a.loss, b.loss, tolerance * std::abs(a.loss));
    ASSERT_EQ(a.gradients.size(), b.gradients.size());
    for (std::size_t i = 0; i < a.gradients.size(); ++i)
        EXPECT_TRUE(torch::allclose(a.gradients[i], b.gradients[i], tolerance, tolerance))
            << "gradient " << i << " differs by " << (a.gradients[i] - b.gradients[i]).abs().max().item<double>();
}

std::shared_ptr<Transformer> loraModel(ModelFamily family, double dropout, std::vector<torch::Tensor> &trainable,
                                       std::shared_ptr<at::Generator> source)
{
    auto model = test::tinyModel(test::tinyConfig(family));
    model->to(torch::kFloat64);
    LoraSettings settings;
    settings.rank = 4;
    settings.dropout = dropout;
    trainable = attachLora(*model, settings, 7, source);
    torch::NoGradGuard noGrad;
    for (torch::Tensor &parameter : trainable) {
        parameter.set_data(parameter.to(torch::kFloat64));
        parameter.add_(torch::randn(parameter.sizes(), parameter.options()) * 0.05); // lora_B away from zero
    }
    model->train();
    return model;
}

TEST(TrainingPass, FastPathEqualsTheStandardPath)
{
    for (const ModelFamily family : {ModelFamily::Llama, ModelFamily::Qwen2}) {
        std::vector<torch::Tensor> trainable;
        auto model = loraModel(family, 0.0, trainable, nullptr);
        const auto list = examples();
        const Batch batch = padBatch(pointers(list), 0);
        const PassResult standard = runPass(*model, trainable, batch, {});
        const PassResult fastPath = runPass(*model, trainable, batch, {true, false, nullptr});
        expectSame(standard, fastPath, 1e-9);
        const PassResult fastCheckpointed = runPass(*model, trainable, batch, {true, true, nullptr});
        expectSame(standard, fastCheckpointed, 1e-9);
    }
}

TEST(TrainingPass, CheckpointingReplaysTheDropout)
{
    auto source = std::make_shared<at::Generator>(at::make_generator<at::CPUGeneratorImpl>(99));
    std::vector<torch::Tensor> trainable;
    auto model = loraModel(ModelFamily::Llama, 0.3, trainable, source);
    const auto list = examples();
    const Batch batch = padBatch(pointers(list), 0);
    const torch::Tensor start = source->get_state();
    const PassResult plain = runPass(*model, trainable, batch, {false, false, source});
    const torch::Tensor afterPlain = source->get_state();
    source->set_state(start);
    const PassResult checkpointed = runPass(*model, trainable, batch, {false, true, source});
    expectSame(plain, checkpointed, 1e-9);
    // The generator ends where it would have without checkpointing.
    EXPECT_TRUE(torch::equal(source->get_state(), afterPlain));
}

TEST(TrainingPass, PackedBatchesEqualPaddedOnes)
{
    std::vector<torch::Tensor> trainable;
    auto model = loraModel(ModelFamily::Mistral, 0.0, trainable, nullptr);
    const auto list = examples();
    const Batch padded = padBatch(pointers(list), 0);
    const Batch packed = packBatch(pointers(list), 32, 0);
    EXPECT_EQ(packed.ids.size(0), 1); // all three fit in one row
    EXPECT_EQ(packed.targetCount, padded.targetCount);
    EXPECT_EQ(packed.tokens, padded.tokens);
    const PassResult a = runPass(*model, trainable, padded, {});
    const PassResult b = runPass(*model, trainable, packed, {});
    expectSame(a, b, 1e-9);
    const PassResult c = runPass(*model, trainable, packed, {true, true, nullptr});
    expectSame(a, c, 1e-9);
}

// The summed loss of the training pass, computed again from the model's own forward pass one example at a time.
double lossFromForward(Transformer &model, const std::vector<TrainingExample> &list)
{
    torch::NoGradGuard noGrad;
    double total = 0;
    for (const TrainingExample &example : list) {
        std::vector<std::int64_t> ids(example.ids.begin(), example.ids.end());
        const torch::Tensor input = torch::tensor(ids).unsqueeze(0);
        const torch::Tensor logProbs = torch::log_softmax(model.forward(ForwardInputs(input))[0].to(torch::kFloat64), -1);
        for (std::size_t t = 0; t + 1 < ids.size(); ++t)
            if (example.learned[t + 1])
                total -= logProbs[static_cast<std::int64_t>(t)][ids[t + 1]].item<double>();
    }
    return total;
}

TEST(TrainingPass, EveryPathEqualsTheModelsOwnForwardPass)
{
    // Mistral's sliding window (3 here) is shorter than the examples, so it must be applied in training too.
    for (const ModelFamily family : {ModelFamily::Llama, ModelFamily::Mistral, ModelFamily::Qwen2}) {
        std::vector<torch::Tensor> trainable;
        auto model = loraModel(family, 0.0, trainable, nullptr);
        const auto list = examples();
        const double expected = lossFromForward(*model, list);
        const Batch padded = padBatch(pointers(list), 0);
        const Batch packed = packBatch(pointers(list), 32, 0);
        EXPECT_NEAR(evaluateBatch(*model, padded, {}), expected, 1e-9 * expected);
        EXPECT_NEAR(evaluateBatch(*model, packed, {}), expected, 1e-9 * expected);
        EXPECT_NEAR(evaluateBatch(*model, padded, {true, false, nullptr}), expected, 1e-9 * expected);
        EXPECT_NEAR(evaluateBatch(*model, packed, {true, false, nullptr}), expected, 1e-9 * expected);
        EXPECT_NEAR(evaluateBatch(*model, packBatch(pointers(list), 0, 0), {true, false, nullptr}), expected, 1e-9 * expected);
        const Batch twoRows = packBatch(pointers(list), 12, 0); // 6 + 3 in one row, 9 in the other
        ASSERT_EQ(twoRows.ids.size(0), 2);
        EXPECT_NEAR(evaluateBatch(*model, twoRows, {true, false, nullptr}), expected, 1e-9 * expected);
    }
}

TEST(TrainingPass, FullFineTuningGradientsWithCheckpointing)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    model->to(torch::kFloat64);
    std::vector<torch::Tensor> trainable = model->parameters();
    const auto list = examples();
    const Batch batch = padBatch(pointers(list), 0);
    expectSame(runPass(*model, trainable, batch, {}), runPass(*model, trainable, batch, {false, true, nullptr}), 1e-9);
}

} // namespace
} // namespace mtm::engine
