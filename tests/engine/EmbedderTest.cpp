// The BERT-family sentence embedder against an independent computation: a random-weight sentence-transformers
// folder, its vectors computed by tests/engine/reference/bert-embed.py with numpy alone in float64, must equal the
// engine's float64 vectors to 1e-6 — with mean and [CLS] pooling, with and without Normalize, for texts of
// several lengths batched together (padding must change nothing) and for one cut at max_seq_length.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/embed/SentenceEmbedder.h"
#include "engine/io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Debian's python3 (the one with python3-numpy), when it has numpy.
std::string pythonWithNumpy()
{
    const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    return std::system((python + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0 ? python : std::string();
}

// A MiniLM-shaped model, small: random weights stored in float32, a vocabulary of 4 special tokens and 96 words.
void writeRandomBert(const std::string &folder, bool meanPooling, bool normalize, int maxSeqLength)
{
    torch::manual_seed(7);
    const std::int64_t vocab = 100, hidden = 32, layers = 2, inner = 64, positions = 40;
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    const auto add = [&](const std::string &name, std::vector<std::int64_t> shape, double mean, double spread) {
        weights.emplace_back(name, torch::randn(shape) * spread + mean);
    };
    add("embeddings.word_embeddings.weight", {vocab, hidden}, 0, 0.5);
    add("embeddings.position_embeddings.weight", {positions, hidden}, 0, 0.5);
    add("embeddings.token_type_embeddings.weight", {2, hidden}, 0, 0.5);
    add("embeddings.LayerNorm.weight", {hidden}, 1, 0.1);
    add("embeddings.LayerNorm.bias", {hidden}, 0, 0.1);
    for (std::int64_t i = 0; i < layers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        for (const char *name :
             {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
            add(p + name + ".weight", {hidden, hidden}, 0, 0.3);
            add(p + name + ".bias", {hidden}, 0, 0.1);
        }
        add(p + "attention.output.LayerNorm.weight", {hidden}, 1, 0.1);
        add(p + "attention.output.LayerNorm.bias", {hidden}, 0, 0.1);
        add(p + "intermediate.dense.weight", {inner, hidden}, 0, 0.3);
        add(p + "intermediate.dense.bias", {inner}, 0, 0.1);
        add(p + "output.dense.weight", {hidden, inner}, 0, 0.3);
        add(p + "output.dense.bias", {hidden}, 0, 0.1);
        add(p + "output.LayerNorm.weight", {hidden}, 1, 0.1);
        add(p + "output.LayerNorm.bias", {hidden}, 0, 0.1);
    }
    writeSafetensors(folder + "/model.safetensors", weights);
    std::ofstream(folder + "/config.json") << json{
        {"model_type", "bert"},        {"architectures", {"BertModel"}},
        {"vocab_size", vocab},         {"hidden_size", hidden},
        {"num_hidden_layers", layers}, {"num_attention_heads", 4},
        {"intermediate_size", inner},  {"max_position_embeddings", positions},
        {"type_vocab_size", 2},        {"layer_norm_eps", 1e-12},
        {"hidden_act", "gelu"}}.dump(2);
    std::ofstream vocabulary(folder + "/vocab.txt");
    vocabulary << "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
    for (int i = 0; i < 96; ++i)
        vocabulary << "w" << i << "\n";
    vocabulary.close();
    json modules = json::array(
        {{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
         {{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}}});
    if (normalize)
        modules.push_back(
            {{"idx", 2}, {"name", "2"}, {"path", "2_Normalize"}, {"type", "sentence_transformers.models.Normalize"}});
    std::ofstream(folder + "/modules.json") << modules.dump(2);
    fs::create_directories(folder + "/1_Pooling");
    std::ofstream(folder + "/1_Pooling/config.json") << json{
        {"word_embedding_dimension", hidden},
        {"pooling_mode_cls_token", !meanPooling},
        {"pooling_mode_mean_tokens", meanPooling},
        {"pooling_mode_max_tokens", false},
        {"pooling_mode_mean_sqrt_len_tokens", false}}.dump(2);
    std::ofstream(folder + "/sentence_bert_config.json")
        << json{{"max_seq_length", maxSeqLength}, {"do_lower_case", false}}.dump();
}

std::string words(int count, int first)
{
    std::string text;
    for (int i = 0; i < count; ++i)
        text += (i ? " w" : "w") + std::to_string((first + i * 7) % 96);
    return text;
}

} // namespace

TEST(Embedder, BertVectorsEqualAnIndependentFloat64Computation)
{
    const std::string python = pythonWithNumpy();
    if (python.empty())
        GTEST_SKIP() << "python3 with numpy (Debian's python3-numpy) is not available";
    for (const bool mean : {true, false}) {
        for (const bool normalize : {true, false}) {
            test::TemporaryFolder dir;
            writeRandomBert(dir.path(), mean, normalize, 24);
            const SentenceEmbedder embedder(dir.path(), torch::kFloat64);
            EXPECT_EQ(embedder.dimension(), 32);
            EXPECT_EQ(embedder.maxTokens(), 24);
            EXPECT_EQ(embedder.normalizes(), normalize);
            // Lengths 1 to 30 words, the last cut to 24 tokens with [CLS] and [SEP]; an unknown word too.
            const std::vector<std::string> texts = {words(3, 1),     words(1, 5),  words(12, 9),
                                                    "w4 unknown w5", words(30, 2), words(7, 11)};
            std::vector<std::vector<std::int32_t>> ids;
            for (const std::string &text : texts)
                ids.push_back(embedder.tokenize(text));
            EXPECT_EQ(ids[4].size(), 24u);
            EXPECT_EQ(ids[3][2], embedder.tokenizer().unknownId());
            const torch::Tensor vectors = embedder.embed(texts, {}, 4); // batches of 4: one with padding
            ASSERT_EQ(vectors.sizes(), (std::vector<std::int64_t>{6, 32}));
            ASSERT_EQ(vectors.scalar_type(), torch::kFloat64);

            std::ofstream(dir.file("ids.json")) << json{{"ids", ids}}.dump();
            const std::string command = python + " '" MTM_SOURCE_DIR "/tests/engine/reference/bert-embed.py' '" +
                                        dir.path() + "' '" + dir.file("ids.json") + "' > '" + dir.file("out.json") +
                                        "' 2>&1";
            ASSERT_EQ(std::system(command.c_str()), 0) << std::ifstream(dir.file("out.json")).rdbuf();
            json reference;
            std::ifstream(dir.file("out.json")) >> reference;
            const auto expected = reference["embeddings"].get<std::vector<std::vector<double>>>();
            ASSERT_EQ(expected.size(), texts.size());
            double worst = 0;
            for (std::size_t i = 0; i < expected.size(); ++i)
                for (std::size_t j = 0; j < expected[i].size(); ++j)
                    worst = std::max(
                        worst, std::abs(expected[i][j] - vectors[std::int64_t(i)][std::int64_t(j)].item<double>()));
            EXPECT_LT(worst, 1e-6) << (mean ? "mean" : "cls") << (normalize ? ", normalised" : "");
            // Each text alone gives the vector it gets in a batch.
            const torch::Tensor alone = embedder.embed({texts[1]});
            EXPECT_LT((alone[0] - vectors[1]).abs().max().item<double>(), 1e-12);
            if (normalize) {
                EXPECT_NEAR(vectors[2].norm().item<double>(), 1.0, 1e-12);
            }
        }
    }
}

TEST(Embedder, AFolderItCannotRunIsRefusedSayingWhy)
{
    test::TemporaryFolder dir;
    writeRandomBert(dir.path(), true, true, 24);
    const auto refusal = [&] {
        try {
            SentenceEmbedder embedder(dir.path());
        } catch (const EngineError &error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    const auto withModules = [&](const json &modules) { std::ofstream(dir.file("modules.json")) << modules.dump(); };
    withModules(json::array({{{"type", "sentence_transformers.models.Transformer"}, {"path", "../elsewhere"}}}));
    EXPECT_NE(refusal().find("leads outside the model folder"), std::string::npos) << refusal();
    withModules(json::array({{{"type", "sentence_transformers.models.Transformer"}, {"path", ""}},
                             {{"type", "sentence_transformers.models.Dense"}, {"path", "2_Dense"}}}));
    EXPECT_NE(refusal().find("the module \"sentence_transformers.models.Dense\" is not supported"), std::string::npos)
        << refusal();
    withModules(json::array({{{"type", "sentence_transformers.models.Transformer"}, {"path", ""}}}));
    EXPECT_NE(refusal().find("has no sentence_transformers.models.Pooling module"), std::string::npos) << refusal();
    withModules(json::array({{{"type", "sentence_transformers.models.Transformer"}, {"path", ""}},
                             {{"type", "sentence_transformers.models.Pooling"}, {"path", "1_Pooling"}}}));
    std::ofstream(dir.file("1_Pooling/config.json")) << R"({"pooling_mode_max_tokens": true})";
    EXPECT_NE(refusal().find("the pooling \"pooling_mode_max_tokens\" is not supported"), std::string::npos)
        << refusal();
    std::ofstream(dir.file("1_Pooling/config.json")) << R"({"pooling_mode_mean_tokens": true})";
    std::ofstream(dir.file("config.json")) << R"({"model_type": "roberta"})";
    EXPECT_NE(refusal().find("the model type \"roberta\" is not an encoder this app runs"), std::string::npos)
        << refusal();
}

} // namespace mtm::engine
