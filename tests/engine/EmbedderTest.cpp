// The BERT-family sentence embedder against an independent computation: a random-weight sentence-transformers
// folder, its vectors computed by tests/engine/reference/bert-embed.py with numpy alone in float64, must equal the
// engine's float64 vectors to 1e-6 — with mean and [CLS] pooling, with and without Normalize, for texts of
// several lengths batched together (padding must change nothing) and for one cut at max_seq_length.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/embed/SentenceEmbedder.h"
#include "engine/embed/StaticEmbedderBuilder.h"
#include "engine/io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

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

// What opening the folder says: its refusal, or "accepted".
std::string refusalOf(const std::string &folder)
{
    try {
        SentenceEmbedder embedder(folder);
    } catch (const EngineError &error) {
        return error.what();
    }
    return "accepted";
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
            // bfloat16 products (the app's choice on a CPU with native bf16) stay close to the exact vectors.
            const torch::Tensor fast = SentenceEmbedder(dir.path(), torch::kBFloat16).embed(texts, {}, 4);
            ASSERT_EQ(fast.scalar_type(), torch::kFloat32);
            const double closest = torch::cosine_similarity(fast.to(torch::kFloat64), vectors, 1).min().item<double>();
            EXPECT_GT(closest, 0.995) << (mean ? "mean" : "cls");
            // Each text alone gives the vector it gets in a batch.
            const torch::Tensor alone = embedder.embed({texts[1]});
            EXPECT_LT((alone[0] - vectors[1]).abs().max().item<double>(), 1e-12);
            if (normalize) {
                EXPECT_NEAR(vectors[2].norm().item<double>(), 1.0, 1e-12);
            }
        }
    }
}

// The built-in embedder: a StaticEmbedding folder made from the texts, the same files from the same texts; its
// vectors are the normalised mean of its token vectors (numpy's, from the files); a question finds the text that
// shares its distinctive words.
TEST(Embedder, TheBuiltInEmbedderIsAStaticEmbeddingThatFindsSharedWords)
{
    const std::vector<std::string> texts = {
        "To reset your password, open Settings, choose Account and press Reset Password.",
        "Invoices are sent on the first working day of each month by e-mail.",
        "The printer on the second floor jams when the paper tray is overfilled.",
        "Bake the bread at 220 °C for thirty minutes, until the crust sounds hollow.",
        "Water tomato plants in the morning, at the base, never on the leaves.",
        "Café opening hours: weekdays from eight to six, Saturdays from nine to two."};
    // As a RAG job makes it: from the app's own corpus (which tells common words from rare ones) and the documents.
    std::vector<std::string> corpus;
    for (const char *name : {"stories.txt", "everyday-life.txt", "science-and-nature.txt", "computing-and-work.txt"}) {
        std::ifstream in(std::string(MTM_SOURCE_DIR "/resources/starter-corpus/") + name);
        const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (std::size_t start = 0; start < all.size();) {
            const std::size_t end = std::min(all.find("\n---\n", start), all.size());
            corpus.push_back(all.substr(start, end - start));
            start = end + 5;
        }
    }
    ASSERT_GT(corpus.size(), 100u);
    corpus.insert(corpus.end(), texts.begin(), texts.end());
    test::TemporaryFolder dir, again;
    const StaticEmbedderSummary summary = buildStaticEmbedder(corpus, dir.file("embedder"));
    EXPECT_EQ(summary.texts, std::int64_t(corpus.size()));
    EXPECT_GT(summary.vocabularySize, 5000);
    buildStaticEmbedder(corpus, again.file("embedder"));
    const auto bytes = [](const std::string &path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    for (const char *file : {"modules.json", "0_StaticEmbedding/tokenizer.json", "0_StaticEmbedding/model.safetensors"})
        EXPECT_EQ(bytes(dir.file(std::string("embedder/") + file)), bytes(again.file(std::string("embedder/") + file)))
            << file;

    const SentenceEmbedder embedder(dir.file("embedder"), torch::kFloat64);
    EXPECT_TRUE(embedder.isStatic() && embedder.normalizes());
    EXPECT_EQ(embedder.dimension(), 256);
    const std::vector<std::string> questions = {"How do I reset my password?",
                                                "when do invoices arrive",
                                                "paper jams in the printer",
                                                "what temperature for bread",
                                                "how to water tomatoes",
                                                "is the cafe open on saturday",
                                                ""};
    const torch::Tensor documents = embedder.embed(texts), asked = embedder.embed(questions);
    const torch::Tensor best = torch::matmul(asked.slice(0, 0, 6), documents.t()).argmax(1);
    for (std::int64_t i = 0; i < 6; ++i)
        EXPECT_EQ(best[i].item<std::int64_t>(), i) << questions[std::size_t(i)];
    EXPECT_EQ(asked[6].abs().sum().item<double>(), 0.0); // no token: zeros, as an empty bag gives

    const std::string python = pythonWithNumpy();
    if (python.empty())
        GTEST_SKIP() << "python3 with numpy (Debian's python3-numpy) is not available";
    std::vector<std::vector<std::int32_t>> ids;
    for (const std::string &question : questions)
        ids.push_back(embedder.tokenize(question));
    std::ofstream(dir.file("ids.json")) << json{{"ids", ids}}.dump();
    const std::string command = python + " '" MTM_SOURCE_DIR "/tests/engine/reference/bert-embed.py' '" +
                                dir.file("embedder") + "' '" + dir.file("ids.json") + "' > '" + dir.file("out.json") +
                                "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << std::ifstream(dir.file("out.json")).rdbuf();
    json reference;
    std::ifstream(dir.file("out.json")) >> reference;
    const auto expected = reference["embeddings"].get<std::vector<std::vector<double>>>();
    for (std::size_t i = 0; i < expected.size(); ++i)
        for (std::size_t j = 0; j < expected[i].size(); ++j)
            ASSERT_NEAR(expected[i][j], asked[std::int64_t(i)][std::int64_t(j)].item<double>(), 1e-6) << i << ", " << j;
}

TEST(Embedder, AFolderItCannotRunIsRefusedSayingWhy)
{
    test::TemporaryFolder dir;
    writeRandomBert(dir.path(), true, true, 24);
    const auto refusal = [&] { return refusalOf(dir.path()); };
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

// Files from elsewhere that lie: each refused with the file and the field named, never a crash or a huge allocation.
TEST(Embedder, HostileConfigurationsAndTokenizersAreRefusedNamingTheField)
{
    test::TemporaryFolder dir;
    writeRandomBert(dir.path(), true, true, 24);
    json config;
    std::ifstream(dir.file("config.json")) >> config;
    const auto refusal = [&] { return refusalOf(dir.path()); };
    const auto expectRefusal = [&](const std::string &part) {
        const std::string said = refusal();
        EXPECT_NE(said.find(part), std::string::npos) << said;
    };
    const auto withConfig = [&](const std::string &key, const json &value) {
        json changed = config;
        changed[key] = value;
        std::ofstream(dir.file("config.json")) << changed.dump();
    };
    withConfig("hidden_size", "32");
    expectRefusal("\"hidden_size\" must be a positive integer, not \"32\"");
    withConfig("num_hidden_layers", -1);
    expectRefusal("\"num_hidden_layers\" must be a positive integer");
    withConfig("vocab_size", 1LL << 50); // would be petabytes of embeddings
    expectRefusal("\"vocab_size\" is 1125899906842624, more than any model has");
    withConfig("hidden_size", 48); // the file's tensors are 32 wide
    expectRefusal("has the shape [");
    withConfig("num_attention_heads", 5);
    expectRefusal("is not a multiple of \"num_attention_heads\"");
    withConfig("hidden_act", json::array({"gelu"}));
    expectRefusal("hidden_act");
    std::ofstream(dir.file("config.json")) << std::string(5000, '[') << std::string(5000, ']'); // deeply nested
    expectRefusal("config.json");
    std::ofstream(dir.file("config.json")) << R"({"model_type": "bert", "hidden_size": )"; // cut short
    expectRefusal("config.json");
    std::ofstream(dir.file("config.json")) << config.dump();
    EXPECT_EQ(refusal(), "accepted");

    // tokenizer.json in place of vocab.txt: ids out of range, twice given, of the wrong type; not WordPiece.
    json tokenizer = {{"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"vocab", json::object()}}}};
    std::vector<std::string> vocabulary;
    {
        std::ifstream in(dir.file("vocab.txt"));
        for (std::string line; std::getline(in, line);)
            vocabulary.push_back(line);
    }
    std::filesystem::remove(dir.file("vocab.txt"));
    const auto withVocabulary = [&](const std::function<void(json &)> &change) {
        json written = tokenizer;
        for (std::size_t id = 0; id < vocabulary.size(); ++id)
            written["model"]["vocab"][vocabulary[id]] = id;
        change(written["model"]["vocab"]);
        std::ofstream(dir.file("tokenizer.json")) << written.dump();
    };
    withVocabulary([](json &) {});
    EXPECT_EQ(refusal(), "accepted");
    withVocabulary([&](json &v) { v["[PAD]"] = vocabulary.size() + 5; });
    expectRefusal("the id of \"[PAD]\" is not one of 0 to ");
    withVocabulary([&](json &v) { v["w4"] = v["w5"]; });
    expectRefusal("both have the id");
    withVocabulary([&](json &v) { v["w4"] = "7"; });
    expectRefusal("the id of \"w4\" is not one of");
    tokenizer["model"]["type"] = "BPE";
    withVocabulary([](json &) {});
    expectRefusal("does not hold a WordPiece model");
}

} // namespace mtm::engine
