// Files from anywhere: a model folder, a tokenizer or a record built to break the reader is refused with a
// sentence that names the file and what is wrong — never a crash, a huge allocation or the JSON library's own
// text (issue "Hardening"; each case here failed before its fix).
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"
#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"
#include "engine/io/UntrustedJson.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/GenerationConfig.h"
#include "engine/model/ModelConfig.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/CheckpointStore.h"
#include "engine/train/Lora.h"
#include "engine/train/TrainingSetup.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>

using namespace mtm::engine;
using mtm::test::TemporaryFolder;
using mtm::test::writeBytes;
using nlohmann::json;

namespace {

std::string nested(std::size_t depth)
{
    return std::string(depth, '[') + std::string(depth, ']');
}

// The message of the EngineError that `read` throws (fails the test when it throws none or another).
template <typename Read> std::string refusal(Read &&read)
{
    try {
        read();
    } catch (const EngineError &error) {
        return error.what();
    }
    ADD_FAILURE() << "the input was accepted";
    return {};
}

json starterTokenizer()
{
    std::ifstream in(std::string(MTM_SOURCE_DIR) + "/resources/starter-model/tokenizer.json");
    return json::parse(in);
}

std::string writeTokenizer(const TemporaryFolder &folder, const json &tokenizer)
{
    const std::string path = folder.file("tokenizer.json");
    writeBytes(path, tokenizer.dump());
    return path;
}

} // namespace

TEST(HostileInput, DeeplyNestedJsonIsRefusedBeforeAnythingRecursesIntoIt)
{
    TemporaryFolder folder;
    // A config.json that is an array nested 200,000 deep.
    writeBytes(folder.file("config.json"), nested(200000));
    const std::string config = refusal([&] { ModelConfig::fromFile(folder.file("config.json")); });
    EXPECT_NE(config.find("config.json nests values more than 100 levels deep"), std::string::npos) << config;

    // A tokenizer whose normalizer is nested that deep (its unsupported type would be quoted in the message).
    std::string text = starterTokenizer().dump();
    const std::string key = "\"normalizer\":";
    const auto at = text.find(key);
    ASSERT_NE(at, std::string::npos);
    text.insert(at + key.size(), "{\"type\":\"Weird\",\"deep\":" + nested(200000) + "},\"unused\":");
    writeBytes(folder.file("tokenizer.json"), text);
    const std::string tokenizer = refusal([&] { loadTokenizerJson(folder.file("tokenizer.json")); });
    EXPECT_NE(tokenizer.find("nests values more than 100 levels deep"), std::string::npos) << tokenizer;

    // A safetensors header.
    const std::string header = "{\"__metadata__\":" + nested(50000) + "}";
    std::string file(8, '\0');
    const std::uint64_t length = header.size();
    for (int i = 0; i < 8; ++i)
        file[std::size_t(i)] = char((length >> (8 * i)) & 0xff);
    writeBytes(folder.file("model.safetensors"), file + header);
    const std::string weights = refusal([&] { SafetensorsFile(folder.file("model.safetensors")); });
    EXPECT_NE(weights.find("nests values more than 100 levels deep"), std::string::npos) << weights;
}

TEST(HostileInput, InvalidJsonIsDescribedInASentenceWithItsPlace)
{
    TemporaryFolder folder;
    writeBytes(folder.file("config.json"), "{\n  \"hidden_size\": 64,\n  \"layers\": tru\n}");
    const std::string message = refusal([&] { ModelConfig::fromFile(folder.file("config.json")); });
    EXPECT_NE(message.find("config.json is not valid JSON: "), std::string::npos) << message;
    EXPECT_NE(message.find("at line 3, column"), std::string::npos) << message;
    EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
}

TEST(HostileInput, ANumberTooLargeForADoubleIsRefusedAsInvalidJson)
{
    // Found by fuzz_config_json: 61e308 escaped as nlohmann's out_of_range and ended the process.
    TemporaryFolder folder;
    writeBytes(folder.file("config.json"), "{\"hidden_size\": 61e308}");
    const std::string message = refusal([&] { ModelConfig::fromFile(folder.file("config.json")); });
    EXPECT_NE(message.find("config.json is not valid JSON: number overflow"), std::string::npos) << message;
}

TEST(HostileInput, TokenIdsOutsideTheVocabularyAreRefusedBeforeAnyAllocation)
{
    for (const json &id : {json(-1), json(4294967295LL), json(3000000000LL), json("7"), json(1.5)}) {
        TemporaryFolder folder;
        json tokenizer = starterTokenizer();
        tokenizer["added_tokens"][0]["id"] = id;
        const std::string path = writeTokenizer(folder, tokenizer);
        const std::string message = refusal([&] { loadTokenizerJson(path); });
        EXPECT_NE(message.find("the id of the added token '<|begin_of_text|>' is " + id.dump()), std::string::npos)
            << message;
    }
    TemporaryFolder folder;
    json tokenizer = starterTokenizer();
    tokenizer["model"]["vocab"]["the"] = 3000000000LL;
    const std::string message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("the id of token 'the' is 3000000000"), std::string::npos) << message;
}

TEST(HostileInput, MalformedTokenizerEntriesAreNamed)
{
    TemporaryFolder folder;
    json tokenizer = starterTokenizer();
    tokenizer["model"]["merges"][0] = json::array({1, 2});
    std::string message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("a merge is neither \"a b\" nor [\"a\", \"b\"]: [1,2]"), std::string::npos) << message;

    tokenizer = starterTokenizer();
    tokenizer["added_tokens"][1] = "<|end_of_text|>";
    message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("an entry of added_tokens is not"), std::string::npos) << message;

    tokenizer = starterTokenizer();
    tokenizer["added_tokens"][1]["special"] = "yes";
    message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("the added token \"<|end_of_text|>\": \"special\" is \"yes\", not true or false"),
              std::string::npos)
        << message;

    tokenizer = starterTokenizer();
    tokenizer["pre_tokenizer"]["type"] = 7;
    message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("\"type\" is 7, not a string"), std::string::npos) << message;
}

// Sections whose members are missing are read as absent, never past the end of the document (reading a missing
// key was undefined behaviour).
TEST(HostileInput, MissingMembersAreReadAsAbsent)
{
    TemporaryFolder folder;
    json tokenizer = starterTokenizer();
    tokenizer["normalizer"] = {{"type", "Sequence"}}; // no "normalizers"
    std::string message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("the normalizer {\"type\":\"Sequence\"} is not supported"), std::string::npos) << message;

    tokenizer = starterTokenizer();
    tokenizer["pre_tokenizer"] = {{"type", "Sequence"}}; // no "pretokenizers"
    message = refusal([&] { loadTokenizerJson(writeTokenizer(folder, tokenizer)); });
    EXPECT_NE(message.find("the pre-tokenizer {\"type\":\"Sequence\"} is not supported"), std::string::npos) << message;

    // A post-processor without its steps, or a template whose special token has no id, adds no BOS.
    tokenizer = starterTokenizer();
    tokenizer["post_processor"] = {{"type", "Sequence"}};
    EXPECT_FALSE(loadTokenizerJson(writeTokenizer(folder, tokenizer))->settings().addBos);
    tokenizer["post_processor"] = {{"type", "TemplateProcessing"}, {"single", {{{"SpecialToken", json::object()}}}}};
    EXPECT_FALSE(loadTokenizerJson(writeTokenizer(folder, tokenizer))->settings().addBos);
}

TEST(HostileInput, LongValuesAreQuotedShort)
{
    const std::string excerpt = jsonExcerpt(json(std::string(10000, 'x')));
    EXPECT_LE(excerpt.size(), 84u);
    EXPECT_EQ(excerpt.substr(0, 3), "\"xx");
    EXPECT_EQ(jsonExcerpt(json::array({1, 2})), "[1,2]");
}

// config.json's numbers are bounded, and checked against the checkpoint's shapes before the model is built: a
// config that claims 300,000 layers or a huge hidden size asked for an impossible allocation (bad_alloc).
TEST(HostileInput, AModelConfigIsCheckedBeforeAnyMemoryIsTakenForIt)
{
    TemporaryFolder folder;
    const ModelConfig tiny = mtm::test::tinyConfig(ModelFamily::Llama);
    saveTransformer(*mtm::test::tinyModel(tiny), folder.path(), torch::kFloat32);
    json config;
    std::ifstream(folder.file("config.json")) >> config;
    const auto loadWith = [&](const char *key, const json &value) {
        json changed = config;
        changed[key] = value;
        writeBytes(folder.file("config.json"), changed.dump());
        return refusal([&] { loadTransformer(folder.path(), torch::kFloat32, torch::kCPU); });
    };
    std::string message = loadWith("num_hidden_layers", 300000);
    EXPECT_NE(message.find("\"num_hidden_layers\" is 300000, more than any model has (at most 1024)"),
              std::string::npos)
        << message;
    message = loadWith("hidden_size", 1000000);
    EXPECT_NE(message.find("\"hidden_size\" is 1000000, more than any model has"), std::string::npos) << message;
    // Within the bounds but not what the weights are.
    message = loadWith("num_hidden_layers", 900);
    EXPECT_NE(message.find("has no tensor 'model.layers.899.mlp.down_proj.weight'"), std::string::npos) << message;
    message = loadWith("vocab_size", 4000000);
    EXPECT_NE(message.find("tensor 'model.embed_tokens.weight' has the shape"), std::string::npos) << message;
    EXPECT_NE(message.find("but config.json implies [4000000, "), std::string::npos) << message;
}

namespace {

// A rank-4 LoRA adapter of a tiny model of the configuration, saved as PEFT saves one.
void writeRankFourAdapter(const ModelConfig &tiny, const TemporaryFolder &folder)
{
    auto trained = mtm::test::tinyModel(tiny);
    LoraSettings settings;
    settings.rank = 4;
    attachLora(*trained, settings, 1, nullptr);
    saveLoraAdapter(*trained, settings, folder.path(), "base");
}

} // namespace

// An adapter folder from elsewhere: adapter_config.json's numbers are checked before the adapter matrices are
// made for them (an r of 1e9 asked for a billion ranks).
TEST(HostileInput, AnAdapterConfigIsCheckedBeforeItsMatricesAreMade)
{
    TemporaryFolder folder;
    const ModelConfig tiny = mtm::test::tinyConfig(ModelFamily::Llama);
    writeRankFourAdapter(tiny, folder);
    json config;
    std::ifstream(folder.file("adapter_config.json")) >> config;
    const auto loadWith = [&](const char *key, const json &value) {
        json changed = config;
        changed[key] = value;
        writeBytes(folder.file("adapter_config.json"), changed.dump());
        return refusal([&] { loadLoraAdapter(*mtm::test::tinyModel(tiny), folder.path()); });
    };
    std::string message = loadWith("r", 1000000000);
    EXPECT_NE(message.find("\"r\" is 1000000000; it must be a number from 1 to 4096"), std::string::npos) << message;
    message = loadWith("r", 2.5);
    EXPECT_NE(message.find("\"r\" is 2.5, not a whole number"), std::string::npos) << message;
    message = loadWith("lora_dropout", "high");
    EXPECT_NE(message.find("\"lora_dropout\" is \"high\""), std::string::npos) << message;
    message = loadWith("target_modules", json::array({"q_proj", 7}));
    EXPECT_NE(message.find("target_modules holds 7, not a module name"), std::string::npos) << message;
    message = loadWith("peft_type", json::array());
    EXPECT_NE(message.find("\"peft_type\" is [], not a string"), std::string::npos) << message;
    // The adapter as written loads.
    writeBytes(folder.file("adapter_config.json"), config.dump());
    EXPECT_EQ(loadLoraAdapter(*mtm::test::tinyModel(tiny), folder.path()).rank, 4);
}

// An adapter's weights from elsewhere: only the A and B matrices of decoder projections, in pairs, of the rank
// adapter_config.json gives, are taken; anything else is refused naming the tensor.
TEST(HostileInput, AnAdaptersWeightsAreOnlyLoraPairsOfItsRank)
{
    TemporaryFolder folder;
    const ModelConfig tiny = mtm::test::tinyConfig(ModelFamily::Llama);
    writeRankFourAdapter(tiny, folder);
    const std::string q = "base_model.model.model.layers.0.self_attn.q_proj";
    const auto weightsOf = [](std::vector<std::pair<std::string, torch::Tensor>> tensors) { return tensors; };
    const std::pair<std::vector<std::pair<std::string, torch::Tensor>>, std::string> cases[] = {
        {weightsOf({{q + ".lora_A.weight", torch::zeros({4, 64})},
                    {q + ".lora_B.weight", torch::zeros({64, 4})},
                    {"base_model.model.model.embed_tokens.weight", torch::zeros({8, 64})}}),
         "holds 'base_model.model.model.embed_tokens.weight', which is not the LoRA A or B matrix of a decoder "
         "projection"},
        {weightsOf({{"base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector", torch::zeros({64})}}),
         "which is not the LoRA A or B matrix"},
        {weightsOf({{q + ".lora_A.weight", torch::zeros({4, 64})}}),
         "has no '" + q + ".lora_B.weight' for its other half"},
        {weightsOf({{q + ".lora_B.weight", torch::zeros({64, 4})}}),
         "has no '" + q + ".lora_A.weight' for its other half"},
        {weightsOf({{q + ".lora_A.weight", torch::zeros({8, 64})}, {q + ".lora_B.weight", torch::zeros({64, 8})}}),
         "'" + q + "' has the rank 8×8 but adapter_config.json says r = 4"},
        {weightsOf({{q + ".lora_A.weight", torch::zeros({4, 64, 1})}, {q + ".lora_B.weight", torch::zeros({64, 4})}}),
         "'" + q + ".lora_A.weight' is not a matrix"},
        {weightsOf({}), "holds no LoRA matrices"},
    };
    const std::string weights = folder.file("adapter_model.safetensors");
    for (const auto &[tensors, expected] : cases) {
        writeSafetensors(weights, tensors);
        const std::string message = refusal([&] { readLoraAdapter(folder.path()); });
        EXPECT_NE(message.find(weights), std::string::npos) << message;
        EXPECT_NE(message.find(expected), std::string::npos) << message;
    }
}

namespace {

TEST(HostileInput, GenerationSettingsOfTheWrongKindOrRangeAreNamed)
{
    TemporaryFolder folder;
    const std::string path = folder.file("generation_config.json");
    const std::pair<const char *, const char *> cases[] = {
        {"[1, 2]", "generation settings must be a JSON object"},
        {R"({"temperature": "hot"})", "\"temperature\" is \"hot\", not a number"},
        {R"({"top_p": 7})", "\"top_p\" is 7; it must lie between 0 and 1"},
        {R"({"top_k": -5})", "\"top_k\" is -5; it must lie between"},
        {R"({"do_sample": 1})", "\"do_sample\" is 1, not true or false"},
    };
    for (const auto &[text, expected] : cases) {
        writeBytes(path, text);
        const std::string message = refusal([&] { GenerationConfig::fromFile(path); });
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find(expected), std::string::npos) << message;
    }
    writeBytes(path, R"({"eos_token_id": [2, "x", 3], "max_new_tokens": -1, "temperature": 0.7})");
    const GenerationConfig lenient = GenerationConfig::fromFile(path);
    EXPECT_EQ(lenient.eosTokenIds, (std::vector<std::int64_t>{2, 3}));
    EXPECT_FALSE(lenient.maxNewTokens);
}

TEST(HostileInput, ADamagedTrainerStateSaysSoInASentence)
{
    const std::pair<json, const char *> cases[] = {
        {json::array(), "is damaged: "},
        {json{{"global_step", 3}}, "is damaged: key 'max_steps' not found"},
        {json{{"global_step", 9},
              {"max_steps", 4},
              {"elapsed_seconds", 1.0},
              {"trained_tokens", 10},
              {"identity", json::object()},
              {"log_history", json::array()}},
         "is damaged: it says step 9 of 4"},
    };
    for (const auto &[state, expected] : cases) {
        const std::string message = refusal([&] { TrainerState::fromJson(state, "checkpoint-3/trainer_state.json"); });
        EXPECT_NE(message.find("checkpoint-3/trainer_state.json " + std::string(expected)), std::string::npos)
            << message;
        EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
    }
}

} // namespace

TEST(HostileInput, ACheckpointIdentityOfAnotherShapeMeansAChangeNotACrash)
{
    const json now = {{"dataset", "abc"}, {"base_model", "def"}, {"settings", {{"learning_rate", 0.0002}}}};
    EXPECT_FALSE(resumeMismatch(now, now));
    EXPECT_EQ(resumeMismatch(json::array({1, 2}), now).value_or(""),
              "the dataset's records changed since the checkpoint was written");
    json then = now;
    then["settings"] = "not an object";
    EXPECT_EQ(resumeMismatch(then, now).value_or(""),
              "the settings changed since the checkpoint was written (learning_rate was null, now 0.0002)");
    then["settings"] = {{"learning_rate", std::string(500, 'x')}};
    EXPECT_LT(resumeMismatch(then, now).value_or("").size(), 200u);
}
