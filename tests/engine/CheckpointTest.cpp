// Tests of model folders: config.json parsing with clear errors, saving and loading weights (single file,
// shards with an index, bf16), and refusing weights that do not match the configuration.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"

#include <filesystem>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json llamaConfig()
{
    return test::tinyConfig(ModelFamily::Llama).toJson();
}

void expectSameParameters(Transformer &a, Transformer &b, double tolerance = 0)
{
    auto left = a.named_parameters(), right = b.named_parameters();
    ASSERT_EQ(left.size(), right.size());
    for (const auto &parameter : left) {
        const torch::Tensor other = right[parameter.key()];
        EXPECT_LE((parameter.value().to(torch::kFloat32) - other.to(torch::kFloat32)).abs().max().item<double>(),
                  tolerance)
            << parameter.key();
    }
}

TEST(ModelConfig, ReadsTransformersConfigs)
{
    json config = llamaConfig();
    config["rope_scaling"] = {{"rope_type", "llama3"},
                              {"factor", 32.0},
                              {"low_freq_factor", 1.0},
                              {"high_freq_factor", 4.0},
                              {"original_max_position_embeddings", 8192}};
    config["eos_token_id"] = {128001, 128008, 128009};
    const ModelConfig parsed = ModelConfig::fromJson(config, "config.json");
    EXPECT_EQ(parsed.ropeScaling.type, "llama3");
    EXPECT_EQ(parsed.ropeScaling.factor, 32.0);
    EXPECT_EQ(parsed.eosTokenIds, (std::vector<std::int64_t>{128001, 128008, 128009}));
    EXPECT_EQ(parsed.headDim, 8);

    json qwen = test::tinyConfig(ModelFamily::Qwen2).toJson();
    EXPECT_TRUE(ModelConfig::fromJson(qwen, "qwen").attentionBias);
    json noHeadDim = llamaConfig();
    noHeadDim.erase("head_dim");
    EXPECT_EQ(ModelConfig::fromJson(noHeadDim, "x").headDim, 8); // hidden 32 / 4 heads
}

struct BrokenConfig
{
    const char *name;
    json change;
    const char *expected;
};

class ModelConfigErrors : public ::testing::TestWithParam<BrokenConfig>
{};

TEST_P(ModelConfigErrors, NameTheFieldAndTheProblem)
{
    json config = llamaConfig();
    for (auto item = GetParam().change.begin(); item != GetParam().change.end(); ++item) {
        if (item.value().is_null())
            config.erase(item.key());
        else
            config[item.key()] = item.value();
    }
    try {
        ModelConfig::fromJson(config, "model/config.json");
        FAIL() << "the configuration was accepted";
    } catch (const EngineError &error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("model/config.json"), std::string::npos) << message;
        EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ModelConfigErrors,
    ::testing::Values(
        BrokenConfig{"architecture", {{"architectures", {"GPT2LMHeadModel"}}}, "\"GPT2LMHeadModel\" is not supported"},
        BrokenConfig{"missing_hidden", {{"hidden_size", nullptr}}, "\"hidden_size\" is missing"},
        BrokenConfig{"negative_layers", {{"num_hidden_layers", -2}}, "must be a positive integer"},
        BrokenConfig{"string_vocab", {{"vocab_size", "big"}}, "must be a positive integer"},
        BrokenConfig{"gqa", {{"num_key_value_heads", 3}}, "not a multiple of num_key_value_heads"},
        BrokenConfig{"odd_head", {{"head_dim", 7}}, "must be even"},
        BrokenConfig{
            "rope", {{"rope_scaling", {{"type", "dynamic"}, {"factor", 2.0}}}}, "\"dynamic\" is not supported"},
        // Wrong types anywhere end in a sentence naming the field, never in the JSON library's exception (fuzzing).
        BrokenConfig{"architecture_number", {{"architectures", {8}}}, "must list class names, not 8"},
        BrokenConfig{"eps_text", {{"rms_norm_eps", "small"}}, "\"rms_norm_eps\" is \"small\", not a positive number"},
        BrokenConfig{"theta_negative", {{"rope_theta", -1}}, "\"rope_theta\" is -1, not a positive number"},
        BrokenConfig{"tie_text", {{"tie_word_embeddings", "yes"}}, "\"tie_word_embeddings\" is \"yes\", not true"},
        BrokenConfig{"dtype_number", {{"torch_dtype", 16}}, "\"torch_dtype\" is 16, not a string"},
        BrokenConfig{"factor_text",
                     {{"rope_scaling", {{"rope_type", "linear"}, {"factor", "2"}}}},
                     "rope_scaling: \"factor\" is \"2\", not a positive number"}),
    [](const ::testing::TestParamInfo<BrokenConfig> &info) { return std::string(info.param.name); });

TEST(Checkpoint, SavesAndLoadsASingleFile)
{
    test::TemporaryFolder dir;
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Qwen2));
    GenerationConfig generation;
    generation.eosTokenIds = {5, 6};
    saveTransformer(*model, dir.path(), torch::kFloat32, generation);
    EXPECT_TRUE(fs::exists(dir.file("model.safetensors")));
    EXPECT_TRUE(fs::exists(dir.file("config.json")));
    EXPECT_EQ(SafetensorsFile(dir.file("model.safetensors")).metadata().at("format"), "pt");
    EXPECT_EQ(GenerationConfig::fromFile(dir.file("generation_config.json")).eosTokenIds,
              (std::vector<std::int64_t>{5, 6}));
    auto loaded = loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
    EXPECT_EQ(loaded->config().family, ModelFamily::Qwen2);
    expectSameParameters(*model, *loaded);
}

TEST(Checkpoint, ShardsLargeModelsWithAnIndex)
{
    test::TemporaryFolder dir;
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    saveTransformer(*model, dir.path(), torch::kFloat32, {}, 20000);
    EXPECT_FALSE(fs::exists(dir.file("model.safetensors")));
    EXPECT_TRUE(fs::exists(dir.file("model.safetensors.index.json")));
    int shards = 0;
    for (const auto &entry : fs::directory_iterator(dir.path()))
        shards += entry.path().filename().string().rfind("model-", 0) == 0;
    EXPECT_GT(shards, 1);
    auto loaded = loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
    expectSameParameters(*model, *loaded);

    // Saving again as one file removes the shards.
    saveTransformer(*model, dir.path(), torch::kFloat32);
    EXPECT_TRUE(fs::exists(dir.file("model.safetensors")));
    EXPECT_FALSE(fs::exists(dir.file("model.safetensors.index.json")));
}

TEST(Checkpoint, StoresBfloat16)
{
    test::TemporaryFolder dir;
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    saveTransformer(*model, dir.path(), torch::kBFloat16);
    EXPECT_EQ(ModelConfig::fromFile(dir.file("config.json")).torchDtype, "bfloat16");
    EXPECT_EQ(SafetensorsFile(dir.file("model.safetensors")).entries().front().dtype, "BF16");
    auto loaded = loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
    expectSameParameters(*model, *loaded, 0.01);
}

TEST(Checkpoint, RefusesWeightsThatDoNotFit)
{
    test::TemporaryFolder dir;
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    saveTransformer(*model, dir.path(), torch::kFloat32);

    json config = test::tinyConfig(ModelFamily::Llama).toJson();
    config["intermediate_size"] = 40;
    std::ofstream(dir.file("config.json")) << config.dump();
    try {
        loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
        FAIL() << "mismatched weights were accepted";
    } catch (const EngineError &error) {
        // Found before the model is built, on the last layer's down projection.
        EXPECT_NE(std::string(error.what())
                      .find("mlp.down_proj.weight' has the shape [32, 48] but config.json implies [32, 40]"),
                  std::string::npos)
            << error.what();
    }

    config["intermediate_size"] = 48;
    config["num_hidden_layers"] = 3;
    std::ofstream(dir.file("config.json")) << config.dump();
    try {
        loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
        FAIL() << "missing layers were not noticed";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("has no tensor 'model.layers.2."), std::string::npos) << error.what();
    }
}

TEST(Checkpoint, RefusesPickleWeights)
{
    test::TemporaryFolder dir;
    std::ofstream(dir.file("config.json")) << llamaConfig().dump();
    test::writeBytes(dir.file("pytorch_model.bin"), "not read");
    try {
        loadTransformer(dir.path(), torch::kFloat32, torch::kCPU);
        FAIL();
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("safetensors"), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace mtm::engine
