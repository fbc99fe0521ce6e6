// Tests of NF4 quantisation (codebook, exact round trip of code values, error bounds, double quantisation)
// and of LoRA (a merged adapter gives the same logits as the unmerged one; PEFT files round-trip).
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"
#include "engine/quant/Nf4.h"
#include "engine/train/Lora.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace mtm::engine {
namespace {

TEST(Nf4, CodebookIsBitsandbytes)
{
    const auto &book = nf4Codebook();
    EXPECT_EQ(book.front(), -1.0f);
    EXPECT_EQ(book[7], 0.0f);
    EXPECT_EQ(book.back(), 1.0f);
    EXPECT_FLOAT_EQ(book[8], 0.07958029955625534f);
    EXPECT_TRUE(std::is_sorted(book.begin(), book.end()));
}

TEST(Nf4, CodeValuesRoundTripExactly)
{
    // Every block holds the 16 codes times its scale: quantising finds each code again.
    std::vector<float> values;
    for (int block = 0; block < 8; ++block)
        for (int i = 0; i < 64; ++i)
            values.push_back(nf4Codebook()[i % 16] * 0.5f);
    const torch::Tensor weight = torch::tensor(values).view({8, 64});
    const Nf4Tensor quantized = quantizeNf4(weight);
    EXPECT_EQ(quantized.codes.numel(), 256);
    // All scales are equal, so double quantisation is exact too.
    EXPECT_TRUE(torch::allclose(dequantizeNf4(quantized, torch::kFloat32), weight, 0, 1e-6));
    // The first element of a byte is its high nibble: codes 0 and 1 give 0x01.
    EXPECT_EQ(quantized.codes[0].item<int>(), 0x01);
}

TEST(Nf4, ErrorStaysWithinTheStatedBounds)
{
    torch::manual_seed(5);
    const torch::Tensor weight = torch::randn({96, 256}) * 0.02;
    const Nf4Tensor quantized = quantizeNf4(weight);
    EXPECT_LT(quantized.bytes(), weight.numel() * 4 / 7); // about 4.1 bits per weight with the scales
    const torch::Tensor restored = dequantizeNf4(quantized, torch::kFloat32);

    // Per block: at most half the widest gap between neighbouring codes (between -1 and -0.696) times the
    // block's scale, plus the error of the 8-bit scale (half a step of its group).
    const torch::Tensor blocks = weight.view({-1, 64});
    const torch::Tensor absmax = blocks.abs().amax(1);
    const torch::Tensor scales = nf4BlockScales(quantized);
    const auto &book = nf4Codebook();
    double widestGap = 0;
    for (std::size_t i = 0; i + 1 < book.size(); ++i)
        widestGap = std::max(widestGap, double(book[i + 1] - book[i]));
    const double widestHalfGap = widestGap / 2;
    const torch::Tensor bound = absmax * widestHalfGap + (scales - absmax).abs();
    const torch::Tensor error = (restored.view({-1, 64}) - blocks).abs().amax(1);
    EXPECT_TRUE((error <= bound * 1.0001 + 1e-9).all().item<bool>());
    const torch::Tensor scaleError = (scales - absmax).abs();
    EXPECT_LE(scaleError.max().item<double>(), (absmax - absmax.mean()).abs().max().item<double>() / 254.0 * 1.0001);
    // And on average far better than the bound: NF4's typical relative error on normal weights is about 10 %.
    EXPECT_LT((restored - weight).abs().mean().item<double>(), 0.15 * weight.abs().mean().item<double>());
}

TEST(Nf4, RefusesShapesThatDoNotFillBlocks)
{
    EXPECT_THROW(quantizeNf4(torch::randn({3, 7})), EngineError);
}

TEST(Lora, MergedAdapterGivesTheSameLogits)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    LoraSettings settings;
    settings.rank = 4;
    settings.dropout = 0;
    const auto trainable = attachLora(*model, settings, 3, nullptr);
    EXPECT_EQ(trainable.size(), 2u * 7u * 2u); // 2 layers x 7 projections x (A, B)
    {
        torch::NoGradGuard noGrad;
        for (const auto &tensor : trainable)
            if (tensor.size(0) != settings.rank) // lora_B starts at zero; give it values
                tensor.copy_(torch::randn(tensor.sizes()) * 0.1);
    }
    model->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{1, 5, 9, 2, 44}).unsqueeze(0);
    const torch::Tensor adapted = model->forward(ForwardInputs(ids));
    mergeLora(*model);
    const torch::Tensor merged = model->forward(ForwardInputs(ids));
    EXPECT_LT((adapted - merged).abs().max().item<double>(), 1e-5);
}

TEST(Lora, OnlyTheAdaptersAreTrainable)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Qwen2));
    LoraSettings settings;
    settings.targets = {"q_proj", "v_proj"};
    attachLora(*model, settings, 1, nullptr);
    int trainable = 0;
    for (const auto &parameter : model->named_parameters()) {
        const bool adapter = parameter.key().find("lora_") != std::string::npos;
        EXPECT_EQ(parameter.value().requires_grad(), adapter) << parameter.key();
        trainable += adapter;
    }
    EXPECT_EQ(trainable, 2 * 2 * 2);
    settings.targets = {"lm_head"};
    EXPECT_THROW(attachLora(*model, settings, 1, nullptr), EngineError);
}

TEST(Lora, PeftFilesRoundTrip)
{
    test::TemporaryFolder dir;
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    LoraSettings settings;
    settings.rank = 8;
    settings.alpha = 16;
    settings.rsLora = true;
    const auto trainable = attachLora(*model, settings, 11, nullptr);
    {
        torch::NoGradGuard noGrad;
        for (const auto &tensor : trainable)
            tensor.add_(torch::randn(tensor.sizes()) * 0.01);
    }
    saveLoraAdapter(*model, settings, dir.path(), "starter");

    std::ifstream configFile(dir.file("adapter_config.json"));
    const auto config = nlohmann::json::parse(configFile);
    EXPECT_EQ(config["peft_type"], "LORA");
    EXPECT_EQ(config["task_type"], "CAUSAL_LM");
    EXPECT_EQ(config["r"], 8);
    EXPECT_EQ(config["lora_alpha"], 16.0);
    EXPECT_EQ(config["use_rslora"], true);
    EXPECT_EQ(config["bias"], "none");
    const SafetensorsFile weights(dir.file("adapter_model.safetensors"));
    const SafetensorsEntry *a = weights.find("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
    const SafetensorsEntry *b = weights.find("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{8, 32}));
    EXPECT_EQ(b->shape, (std::vector<std::int64_t>{32, 8}));
    EXPECT_EQ(a->dtype, "F32");

    auto fresh = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    const LoraSettings loaded = loadLoraAdapter(*fresh, dir.path());
    EXPECT_TRUE(loaded.rsLora);
    EXPECT_DOUBLE_EQ(loaded.scaling(), 16.0 / std::sqrt(8.0));
    model->eval();
    fresh->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{7, 8, 9}).unsqueeze(0);
    EXPECT_TRUE(torch::allclose(model->forward(ForwardInputs(ids)), fresh->forward(ForwardInputs(ids))));
}

TEST(Lora, QuantizedBaseKeepsEveryProjectionClose)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    std::map<std::string, torch::Tensor> dense;
    for (const auto &[name, projection] : decoderProjections(*model))
        dense[name] = projection->weight.detach().clone();
    quantizeDecoderToNf4(*model);
    for (const auto &[name, projection] : decoderProjections(*model)) {
        EXPECT_TRUE(projection->isQuantized()) << name;
        EXPECT_EQ(projection->weight.numel(), 0) << name << ": the dense copy should be gone";
        const torch::Tensor restored = projection->baseWeight(torch::kFloat32);
        const double relative = ((restored - dense[name]).norm() / dense[name].norm()).item<double>();
        EXPECT_LT(relative, 0.12) << name;
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = model->forward(ForwardInputs(torch::tensor(std::vector<std::int64_t>{1, 2, 3}).unsqueeze(0)));
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

} // namespace
} // namespace mtm::engine
