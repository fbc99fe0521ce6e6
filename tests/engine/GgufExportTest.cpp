// GGUF files the engine writes, loaded by llama.cpp itself (the npm package node-llama-cpp, pinned, CPU): F32 and
// F16 files of every family continue prompts greedily with exactly the engine's tokens and tokenize text as the
// engine does; quantised files score a text as their type implies; a GGUF adapter applied in llama.cpp is the
// merged model. The llama.cpp parts skip when node, npm or the registry is missing.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"
#include "TokenizerJsonSupport.h"
#include "common/LlamaCpp.h"

#include "engine/EngineError.h"
#include "engine/export/GgufExport.h"
#include "engine/generate/Generator.h"
#include "engine/io/GgufFile.h"
#include "engine/io/GgufWriter.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/GenerationConfig.h"
#include "engine/model/GgufModel.h"
#include "engine/quant/GgmlQuant.h"
#include "engine/tokenizer/PreTokenizer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/Lora.h"
#include "engine/train/Trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

const std::string kStarter = MTM_SOURCE_DIR "/resources/starter-model";
const std::string kText = "The cat sat on the mat. It was warm, and the day was long.";
const std::vector<std::string> kPrompts = {kText, "def add(a, b):\n    return a + b\n", "In 1984, 3 of 12 people said"};
// Code, emoji, CJK, numbers and runs of whitespace: the pieces pre-tokenizers split differently.
const std::string kVariedText =
    "def f(x):\n\treturn x**2  # square\n\n\n    🙂👍🏽 emoji, 日本語のテキスト, 中文, 한국어; "
    "numbers 1234567 3.14159 -42 0x1F; spaces:      and\t\ttabs   \n end.";

#define MTM_REQUIRE_LLAMA_CPP(folder)                                                                                  \
    const auto folder = test::llamaCppFolder();                                                                        \
    if (!folder)                                                                                                       \
    GTEST_SKIP() << "node, npm or node-llama-cpp is not available; see " MTM_NPM_CACHE_DIR "/llama-cpp"

// Asks llama.cpp what the request says (tests/engine/reference/llama-cpp-run.mjs); null, with a test failure,
// when it could not load or run the file.
nlohmann::json askLlamaCpp(const fs::path &folder, const nlohmann::json &request, const test::TemporaryFolder &dir)
{
    std::string failure;
    const std::optional<nlohmann::json> answer = test::runLlamaCpp(folder, request, dir.path(), &failure);
    if (!answer)
        ADD_FAILURE() << failure;
    return answer.value_or(nlohmann::json());
}

// A Llama 2 style tokenizer folder (tokenizer.json: SentencePiece-style BPE with byte fallback) made from the
// real Llama SentencePiece vocabulary of ../shared/testdata, as Hugging Face's converter makes one: each token
// that two tokens join into is a merge, ranked by the joined token's score.
std::string sentencePieceTokenizerFolder(const std::string &folder)
{
    const GgufFile vocabulary(MTM_TESTDATA_DIR "/tokenizers/ggml-vocab-llama-spm.gguf");
    const std::vector<std::string> tokens = vocabulary.stringArray("tokenizer.ggml.tokens");
    const std::vector<double> scores = vocabulary.realArray("tokenizer.ggml.scores");
    const std::vector<std::int64_t> types = vocabulary.integerArray("tokenizer.ggml.token_type");
    nlohmann::json vocab = nlohmann::json::object(), added = nlohmann::json::array();
    std::map<std::string, std::size_t> ids;
    for (std::size_t id = 0; id < tokens.size(); ++id) {
        vocab[tokens[id]] = id;
        ids[tokens[id]] = id;
        if (types[id] == 2 || types[id] == 3)
            added.push_back({{"id", id}, {"content", tokens[id]}, {"special", true}});
    }
    std::vector<std::tuple<double, std::size_t, std::size_t, std::string, std::string>> merges;
    for (std::size_t id = 0; id < tokens.size(); ++id) {
        const std::string &token = tokens[id];
        if (types[id] != 1)
            continue;
        for (std::size_t cut = 1; cut < token.size(); ++cut) {
            if ((static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80)
                continue; // inside a UTF-8 character
            const auto left = ids.find(token.substr(0, cut)), right = ids.find(token.substr(cut));
            if (left != ids.end() && right != ids.end())
                merges.emplace_back(-scores[id], left->second, right->second, left->first, right->first);
        }
    }
    std::sort(merges.begin(), merges.end());
    nlohmann::json mergeList = nlohmann::json::array();
    for (const auto &merge : merges)
        mergeList.push_back(std::get<3>(merge) + " " + std::get<4>(merge));
    const nlohmann::json tokenizer = test::sentencePieceTokenizerJson(vocab, mergeList, added);
    fs::create_directories(folder);
    std::ofstream(folder + "/tokenizer.json") << tokenizer.dump();
    std::ofstream(folder + "/tokenizer_config.json") << nlohmann::json({{"add_bos_token", true},
                                                                        {"add_eos_token", false},
                                                                        {"bos_token", "<s>"},
                                                                        {"eos_token", "</s>"},
                                                                        {"unk_token", "<unk>"}})
                                                            .dump();
    return folder;
}

// A random-weight checkpoint of the family, stored in float16 (so that an F16 file holds exactly its weights),
// with the tokenizer of tokenizerFolder (by default the starter model's; for Qwen2 with Qwen2's pre-tokenizer).
std::string randomCheckpoint(ModelFamily family, const std::string &folder, bool llama3Rope = false,
                             const std::string &tokenizerFolder = kStarter)
{
    std::ifstream in(tokenizerFolder + "/tokenizer.json");
    nlohmann::json tokenizer = nlohmann::json::parse(in);
    if (family == ModelFamily::Qwen2)
        tokenizer["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] =
            preTokenizerPattern(PreTokenizerKind::Qwen2);
    ModelConfig config = test::tinyConfig(family);
    config.vocabSize = loadTokenizer(tokenizerFolder)->vocabularySize();
    config.slidingWindow.reset(); // llama.cpp's llama architecture has no sliding window (nor its converter)
    if (llama3Rope) // the three bands of llama3 scaling at these frequencies: kept, smoothed and divided by 8
        config.ropeScaling = {"llama3", 8.0, 1.0, 4.0, 32, {}};
    const auto model = test::tinyModel(config, 5);
    saveTransformer(*model, folder, torch::kFloat16, GenerationConfig());
    fs::copy_file(tokenizerFolder + "/tokenizer_config.json", folder + "/tokenizer_config.json");
    std::ofstream(folder + "/tokenizer.json") << tokenizer.dump();
    return folder;
}

// The engine's greedy continuation of each prompt (with BOS), 16 tokens.
std::pair<nlohmann::json, nlohmann::json> promptsAndContinuations(Transformer &model, const Tokenizer &tokenizer)
{
    nlohmann::json prompts = nlohmann::json::array(), continuations = nlohmann::json::array();
    GenerationOptions greedy;
    greedy.maxNewTokens = 16;
    for (const std::string &text : kPrompts) {
        const std::vector<std::int32_t> prompt = tokenizer.encode(text, {true, false});
        prompts.push_back(prompt);
        continuations.push_back(generate(model, prompt, greedy).tokens);
    }
    return {prompts, continuations};
}

// The engine's two most likely tokens after each position of ids, and the gap between their logits as a share of
// the logits' spread.
struct Choice
{
    std::int32_t best = 0, second = 0;
    double gap = 0;
};
std::vector<Choice> engineChoices(Transformer &model, const std::vector<std::int32_t> &ids)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = model.forward(ForwardInputs(torch::tensor(ids, torch::kInt64).unsqueeze(0)))[0];
    std::vector<Choice> choices;
    for (std::int64_t i = 0; i < logits.size(0); ++i) {
        const auto [values, indices] = logits[i].topk(2);
        choices.push_back({indices[0].item<std::int32_t>(), indices[1].item<std::int32_t>(),
                           ((values[0] - values[1]) / logits[i].std()).item<double>()});
    }
    return choices;
}

TEST(GgufExport, LlamaCppContinuesAndTokenizesEveryFamilyAsTheEngineDoes)
{
    // F32 and F16 files of the starter model and of random Llama (llama3 RoPE scaling), Mistral and Qwen2 (no Q/K
    // permutation, q/k/v biases, its own pre-tokenizer) checkpoints, and of a Mistral with Llama's SentencePiece
    // vocabulary of 32,000 tokens (a "llama" tokenizer in GGUF: scores instead of merges, byte tokens).
    MTM_REQUIRE_LLAMA_CPP(folder);
    test::TemporaryFolder dir;
    const std::vector<std::pair<std::string, std::string>> subjects = {
        {"starter", kStarter},
        {"llama", randomCheckpoint(ModelFamily::Llama, dir.file("llama"), true)},
        {"mistral", randomCheckpoint(ModelFamily::Mistral, dir.file("mistral"))},
        {"qwen2", randomCheckpoint(ModelFamily::Qwen2, dir.file("qwen2"))},
        {"mistral-spm", randomCheckpoint(ModelFamily::Mistral, dir.file("mistral-spm"), false,
                                         sentencePieceTokenizerFolder(dir.file("spm-tokenizer")))},
    };
    // The SentencePiece tokenizer.json made from Llama's vocabulary tokenizes as that vocabulary does.
    EXPECT_EQ(
        loadTokenizer(dir.file("spm-tokenizer"))->encode(kVariedText),
        loadTokenizerFromGguf(GgufFile(MTM_TESTDATA_DIR "/tokenizers/ggml-vocab-llama-spm.gguf"))->encode(kVariedText));
    for (const auto &[name, source] : subjects) {
        const auto tokenizer = loadTokenizer(source);
        const auto model = loadTransformer(source, torch::kFloat32, torch::kCPU);
        const auto [prompts, expected] = promptsAndContinuations(*model, *tokenizer);
        for (const GgufFileType type : {GgufFileType::F32, GgufFileType::F16}) {
            const std::string gguf = dir.file(name + "-" + ggufFileTypeName(type) + ".gguf");
            exportGguf(source, gguf, type);
            nlohmann::json request = {{"model", gguf}, {"text", kVariedText}, {"prompts", prompts}, {"count", 16}};
            std::vector<std::vector<std::int32_t>> sequences;
            for (std::size_t i = 0; i < prompts.size(); ++i) {
                sequences.push_back(prompts[i].get<std::vector<std::int32_t>>());
                for (const std::int32_t token : expected[i])
                    sequences.back().push_back(token);
            }
            request["score"] = sequences;
            const nlohmann::json answer = askLlamaCpp(*folder, request, dir);
            if (answer.is_null())
                continue;
            const std::string what = name + " " + ggufFileTypeName(type);
            EXPECT_EQ(answer["tokens"].get<std::vector<std::int32_t>>(), tokenizer->encode(kVariedText))
                << what << ": llama.cpp tokenizes the text differently";
            if (type == GgufFileType::F32) {
                EXPECT_EQ(answer["generated"], expected) << what;
                continue;
            }
            // llama.cpp rounds activations to F16 before F16 matrix products: along the engine's continuation, its
            // choice is the engine's wherever the engine's own choice is clear (a gap over 1% of the logits'
            // spread), and one of the engine's two best otherwise.
            int ties = 0;
            for (std::size_t i = 0; i < sequences.size(); ++i) {
                const std::vector<Choice> choices = engineChoices(*model, sequences[i]);
                const auto best = answer["best"][i].get<std::vector<std::int32_t>>();
                for (std::size_t at = prompts[i].size() - 1; at + 1 < sequences[i].size(); ++at) {
                    const Choice &engine = choices[at];
                    if (engine.gap < 0.01) {
                        ++ties;
                        EXPECT_TRUE(best[at] == engine.best || best[at] == engine.second) << what << " at " << at;
                    } else {
                        EXPECT_EQ(best[at], engine.best) << what << ", prompt " << i << ", token " << at;
                    }
                }
            }
            std::printf("%s: %d near-ties along the engine's continuations; llama.cpp's own greedy run %s\n",
                        what.c_str(), ties, answer["generated"] == expected ? "is the engine's" : "took another turn");
        }
    }
}

// The mean negative log-likelihood of ids[1..] given the ids before each, as the engine computes it.
double engineNll(Transformer &model, const std::vector<std::int32_t> &ids)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor input = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    const torch::Tensor logProbabilities = torch::log_softmax(model.forward(ForwardInputs(input))[0], -1);
    const torch::Tensor next = input[0].slice(0, 1).unsqueeze(1);
    return -logProbabilities.slice(0, 0, -1).gather(1, next).mean().item<double>();
}

// The relative root-mean-square difference of two models' weights: sqrt(Σ|b−a|² / Σ|a|²) over all parameters.
double relativeWeightError(Transformer &a, Transformer &b)
{
    torch::NoGradGuard noGrad;
    const auto other = b.named_parameters();
    double error = 0, energy = 0;
    for (const auto &parameter : a.named_parameters()) {
        error += (other[parameter.key()] - parameter.value()).pow(2).sum().item<double>();
        energy += parameter.value().pow(2).sum().item<double>();
    }
    return std::sqrt(error / energy);
}

TEST(GgufExport, QuantizedFilesScoreTextAsTheirTypesErrorImplies)
{
    // The engine reads each file back and scores a text with exactly its dequantised weights: llama.cpp must score
    // the file the same, up to its own 8-bit rounding of activations in quantised dot products (0.05%). The cost
    // over the F16 file is bounded by the type's error: a relative weight error ε moves the mean negative
    // log-likelihood by at most ε of itself.
    MTM_REQUIRE_LLAMA_CPP(folder);
    test::TemporaryFolder dir;
    std::ifstream in(MTM_SOURCE_DIR "/resources/starter-corpus/computing-and-work.txt");
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto tokenizer = loadTokenizer(kStarter);
    std::vector<std::int32_t> ids = tokenizer->encode(text, {true, false});
    ids.resize(std::min<std::size_t>(ids.size(), 500));
    const auto source = loadTransformer(kStarter, torch::kFloat32, torch::kCPU);
    std::printf("mean NLL of %zu tokens: the folder %.5f\n", ids.size() - 1, engineNll(*source, ids));
    double f16 = 0;
    for (const GgufFileType type :
         {GgufFileType::F16, GgufFileType::Q8_0, GgufFileType::Q5_K_M, GgufFileType::Q4_K_M}) {
        const std::string gguf = dir.file(ggufFileTypeName(type) + ".gguf");
        exportGguf(kStarter, gguf, type);
        const auto reopened = loadTransformer(gguf, torch::kFloat32, torch::kCPU);
        const double implied = engineNll(*reopened, ids);
        const double error = relativeWeightError(*source, *reopened);
        const nlohmann::json answer = askLlamaCpp(*folder, {{"model", gguf}, {"score", {ids}}}, dir);
        ASSERT_FALSE(answer.is_null());
        const double llama = answer["nll"][0].get<double>();
        if (type == GgufFileType::F16)
            f16 = llama;
        std::printf("%-6s: weight error %.4f; NLL: engine on the file %.5f, llama.cpp %.5f (%+.5f over F16, bound "
                    "%.5f)\n",
                    ggufFileTypeName(type).c_str(), error, implied, llama, llama - f16, error * f16);
        EXPECT_NEAR(llama, implied, 0.0005 * implied) << ggufFileTypeName(type);
        if (type != GgufFileType::F16) {
            EXPECT_LT(std::abs(llama - f16), error * f16) << ggufFileTypeName(type);
        }
    }
}

// A LoRA adapter the engine trains on a random Llama checkpoint (rsLoRA, so that llama.cpp's alpha must carry
// PEFT's scale), with the model folder it adapts.
std::pair<std::string, std::string> trainedAdapter(const test::TemporaryFolder &dir)
{
    ModelConfig config = test::tinyConfig(ModelFamily::Llama);
    config.vocabSize = 2048;
    auto model = std::make_shared<Transformer>(config);
    model->initializeRandomly(11);
    const std::string base = dir.file("base");
    saveTransformer(*model, base, torch::kFloat32);
    for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
        fs::copy_file(kStarter + "/" + name, base + "/" + name);
    std::ofstream records(dir.file("records.jsonl"));
    for (int i = 0; i < 16; ++i)
        records << nlohmann::json({{"text", "The cat sat on the mat " + std::to_string(i) + " times."}}).dump() << "\n";
    records.close();
    TrainingConfig job;
    job.method = TrainingMethod::Lora;
    job.baseModel = base;
    job.records = dir.file("records.jsonl");
    job.outputDirectory = dir.file("job");
    job.epochs = 3;
    job.batchSize = 4;
    job.learningRate = 3e-2;
    job.evalCount = 0;
    job.lora.rank = 4;
    job.lora.alpha = 8;
    job.lora.dropout = 0;
    job.lora.rsLora = true;
    job.dtype = "float32";
    job.device = "cpu";
    return {base, runTraining(job, nullptr).outputPath};
}

TEST(GgufExport, AnAdapterAppliedInLlamaCppIsTheMergedModel)
{
    MTM_REQUIRE_LLAMA_CPP(folder);
    test::TemporaryFolder dir;
    const auto [base, adapter] = trainedAdapter(dir);
    const auto tokenizer = loadTokenizer(base);
    const auto plain = loadTransformer(base, torch::kFloat32, torch::kCPU);
    const auto [prompts, baseContinuations] = promptsAndContinuations(*plain, *tokenizer);
    auto adapted = loadTransformer(base, torch::kFloat32, torch::kCPU);
    loadLoraAdapter(*adapted, adapter);
    const auto continuations = promptsAndContinuations(*adapted, *tokenizer).second;
    ASSERT_NE(continuations, baseContinuations) << "the adapter changes nothing the test can see";

    exportGguf(base, dir.file("base.gguf"), GgufFileType::F32);
    exportGgufAdapter(adapter, base, dir.file("adapter.gguf"));
    exportGguf(base, dir.file("merged.gguf"), GgufFileType::F32, {}, adapter);
    const GgufFile file(dir.file("adapter.gguf"));
    EXPECT_EQ(file.string("general.type"), "adapter");
    EXPECT_EQ(file.string("adapter.type"), "lora");
    EXPECT_FLOAT_EQ(float(file.real("adapter.lora.alpha")), float(8 * std::sqrt(4.0))); // rsLoRA: alpha·√r
    EXPECT_EQ(file.tensors().size(), 2u * 7 * 2); // A and B of seven projections in two layers

    const nlohmann::json applied = askLlamaCpp(
        *folder,
        {{"model", dir.file("base.gguf")}, {"lora", dir.file("adapter.gguf")}, {"prompts", prompts}, {"count", 16}},
        dir);
    const nlohmann::json merged =
        askLlamaCpp(*folder, {{"model", dir.file("merged.gguf")}, {"prompts", prompts}, {"count", 16}}, dir);
    EXPECT_EQ(applied["generated"], continuations) << "the GGUF adapter on the base GGUF";
    EXPECT_EQ(merged["generated"], continuations) << "the merged GGUF";
}

TEST(GgufExport, AnAdapterForAnotherModelIsRefused)
{
    test::TemporaryFolder dir;
    const auto [base, adapter] = trainedAdapter(dir);
    for (const bool merged : {true, false}) {
        try {
            if (merged)
                exportGguf(kStarter, dir.file("x.gguf"), GgufFileType::F16, {}, adapter);
            else
                exportGgufAdapter(adapter, kStarter, dir.file("x.gguf"));
            ADD_FAILURE() << "an adapter of another model was accepted";
        } catch (const EngineError &error) {
            EXPECT_NE(std::string(error.what()).find("does not fit the model"), std::string::npos) << error.what();
        }
        EXPECT_FALSE(fs::exists(dir.file("x.gguf")));
    }
}

// What the Deployment page shows before anything is written: each file's size, exactly.
TEST(GgufExport, AFilesSizeIsKnownBeforeItIsWritten)
{
    test::TemporaryFolder dir;
    for (const GgufFileType type : {GgufFileType::F16, GgufFileType::Q8_0, GgufFileType::Q4_K_M}) {
        const std::string gguf = dir.file("model-" + ggufFileTypeName(type) + ".gguf");
        const std::uint64_t expected = ggufFileSize(kStarter, gguf, type);
        exportGguf(kStarter, gguf, type);
        EXPECT_EQ(fs::file_size(gguf), expected) << ggufFileTypeName(type);
    }
    const auto [base, adapter] = trainedAdapter(dir);
    const std::uint64_t expected = ggufAdapterFileSize(adapter, base, dir.file("adapter.gguf"));
    exportGgufAdapter(adapter, base, dir.file("adapter.gguf"));
    EXPECT_EQ(fs::file_size(dir.file("adapter.gguf")), expected);
}

TEST(GgufExport, AnExportedFileOpensAsTheSameModel)
{
    // F32: the same logits (names mapped back, the RoPE permutation undone); Q8_0: close to them.
    test::TemporaryFolder dir;
    const auto original = loadTransformer(kStarter, torch::kFloat32, torch::kCPU);
    const torch::Tensor ids =
        torch::tensor(loadTokenizer(kStarter)->encode(kText, {true, false}), torch::kInt64).unsqueeze(0);
    torch::NoGradGuard noGrad;
    const torch::Tensor expected = original->forward(ForwardInputs(ids));
    for (const GgufFileType type : {GgufFileType::F32, GgufFileType::Q8_0}) {
        const std::string gguf = dir.file(ggufFileTypeName(type) + ".gguf");
        exportGguf(kStarter, gguf, type);
        const auto reopened = loadTransformer(gguf, torch::kFloat32, torch::kCPU);
        EXPECT_EQ(reopened->config().vocabSize, original->config().vocabSize);
        EXPECT_EQ(reopened->config().tieWordEmbeddings, original->config().tieWordEmbeddings);
        const double difference = (reopened->forward(ForwardInputs(ids)) - expected).abs().max().item<double>();
        if (type == GgufFileType::F32)
            EXPECT_EQ(difference, 0.0);
        else
            EXPECT_LT(difference, 0.05 * expected.abs().max().item<double>());
    }
    const auto tokenizer = loadTokenizer(dir.file("Q8_0.gguf"));
    EXPECT_EQ(tokenizer->encode(kText), loadTokenizer(kStarter)->encode(kText));

    // Settings that do not match the tensors are refused before the model is built (300,000 layers).
    GgufWriter lying;
    lying.addString("general.architecture", "llama");
    for (const char *key :
         {"llama.embedding_length", "llama.feed_forward_length", "llama.attention.head_count", "llama.context_length"})
        lying.addUInt32(key, 64);
    lying.addUInt32("llama.block_count", 300000);
    lying.addFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    lying.addTensor("token_embd.weight", {64, 8}, 0, [] { return std::string(64 * 8 * 4, '\0'); });
    lying.write(dir.file("lying.gguf"));
    try {
        loadTransformer(dir.file("lying.gguf"), torch::kFloat32, torch::kCPU);
        ADD_FAILURE() << "a file claiming 300,000 layers was opened";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("do not match its tensors"), std::string::npos) << error.what();
    }
}

TEST(GgufExport, ALlama3ScaledFileOpensWithItsRopeFactors)
{
    // Llama 3.1/3.2 RoPE scaling lives in GGUF as the rope_freqs tensor; the engine opens such a file with those
    // factors and gives the folder's logits (up to the factors' float32 rounding).
    test::TemporaryFolder dir;
    const std::string folder = randomCheckpoint(ModelFamily::Llama, dir.file("llama"), true);
    exportGguf(folder, dir.file("llama.gguf"), GgufFileType::F32);
    const auto original = loadTransformer(folder, torch::kFloat32, torch::kCPU);
    const auto reopened = loadTransformer(dir.file("llama.gguf"), torch::kFloat32, torch::kCPU);
    EXPECT_EQ(reopened->config().ropeScaling.type, "factors");
    ModelConfig unscaled = original->config();
    unscaled.ropeScaling = RopeScaling();
    const auto withoutScaling = std::make_shared<Transformer>(unscaled);
    torch::NoGradGuard noGrad;
    for (auto &parameter : withoutScaling->named_parameters())
        parameter.value().copy_(original->named_parameters()[parameter.key()]);
    // Long enough that the scaled frequencies turn by a different angle at the last positions.
    const torch::Tensor ids = torch::arange(1, 120, torch::kInt64).unsqueeze(0);
    const torch::Tensor expected = original->forward(ForwardInputs(ids));
    const double scale = expected.abs().max().item<double>();
    EXPECT_LT((reopened->forward(ForwardInputs(ids)) - expected).abs().max().item<double>(), 1e-4 * scale);
    EXPECT_GT((withoutScaling->forward(ForwardInputs(ids)) - expected).abs().max().item<double>(), 1e-2 * scale)
        << "the scaling makes no difference the test can see";
}

// How far a type may move values, as the relative root-mean-square error (the quantisers' own test measures
// these types at about half of each on normal values; real weights have heavier tails).
double typeErrorBound(std::uint32_t ggmlType)
{
    switch (GgmlType(ggmlType)) {
    case GgmlType::F32:
        return 0;
    case GgmlType::F16:
        return 1e-3;
    case GgmlType::BF16:
        return 5e-3;
    case GgmlType::Q8_0:
        return 0.01;
    case GgmlType::Q6_K:
        return 0.035;
    case GgmlType::Q5_K:
    case GgmlType::Q5_1:
    case GgmlType::Q5_0:
        return 0.08;
    default:
        return 0.15;
    }
}

TEST(GgufExport, EveryTensorReadsBackInPlaceAndWithinItsTypesError)
{
    const ModelConfig config = ModelConfig::fromFile(kStarter + "/config.json");
    std::map<std::string, std::pair<std::string, std::string>> sources; // GGUF name → (HF name, file)
    for (const auto &[name, file] : checkpointWeightMap(kStarter))
        sources[ggufTensorName(name).value_or(name)] = {name, file};
    test::TemporaryFolder dir;
    for (const GgufFileType type : {GgufFileType::F32, GgufFileType::F16, GgufFileType::BF16, GgufFileType::Q8_0,
                                    GgufFileType::Q4_K_M, GgufFileType::Q5_K_M}) {
        const std::string gguf = dir.file(ggufFileTypeName(type) + ".gguf");
        exportGguf(kStarter, gguf, type);
        const GgufFile file(gguf);
        EXPECT_EQ(file.version(), 3u);
        EXPECT_EQ(file.string("general.architecture"), "llama");
        EXPECT_EQ(file.string("general.type"), "model");
        EXPECT_EQ(file.find("llama.block_count")->type, GgufType::U32);
        EXPECT_EQ(file.find("llama.attention.layer_norm_rms_epsilon")->type, GgufType::F32);
        EXPECT_EQ(file.integer("llama.rope.dimension_count"), config.headDim);
        // The embedding first, then each block in order, the final norm last; each tensor right after the one
        // before, at the alignment.
        const std::vector<GgufTensorInfo> &tensors = file.tensors();
        ASSERT_EQ(tensors.size(), sources.size());
        EXPECT_EQ(tensors.front().name, "token_embd.weight");
        EXPECT_EQ(tensors[1].name, "blk.0.attn_norm.weight");
        EXPECT_EQ(tensors.back().name, "output_norm.weight");
        std::uint64_t offset = 0;
        for (const GgufTensorInfo &tensor : tensors) {
            EXPECT_EQ(tensor.offset, offset) << tensor.name;
            offset += (tensor.bytes + file.alignment() - 1) / file.alignment() * file.alignment();
            const auto &[hfName, shard] = sources.at(tensor.name);
            torch::Tensor expected = SafetensorsFile(shard).load(hfName).to(torch::kFloat32);
            const std::int64_t heads = ggufRopeHeads(config, tensor.name);
            if (heads > 0)
                expected = permuteForGgufRope(expected, heads, true);
            EXPECT_EQ(tensor.dims, std::vector<std::uint64_t>(expected.sizes().rbegin(), expected.sizes().rend()))
                << tensor.name;
            torch::Tensor values = torch::empty(expected.sizes(), torch::kFloat32);
            dequantizeValues(file.tensorData(tensor), std::size_t(values.numel()), GgmlType(tensor.type),
                             values.data_ptr<float>());
            const double error = ((values - expected).norm() / expected.norm()).item<double>();
            EXPECT_LE(error, typeErrorBound(tensor.type))
                << ggufFileTypeName(type) << " " << tensor.name << " stored as " << ggmlTypeName(GgmlType(tensor.type));
        }
    }
    // A file cut short anywhere in its tensors is refused with where.
    std::ifstream in(dir.file("Q8_0.gguf"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    for (const double share : {0.5, 0.99}) {
        test::writeBytes(dir.file("cut.gguf"), bytes.substr(0, std::size_t(double(bytes.size()) * share)));
        try {
            GgufFile cut(dir.file("cut.gguf"));
            ADD_FAILURE() << "a file cut at " << share << " was opened";
        } catch (const EngineError &error) {
            EXPECT_NE(std::string(error.what()).find("cut.gguf"), std::string::npos) << error.what();
        }
    }
}

TEST(GgufExport, QuantizedFilesKeepTheLayersLlamaCppKeepsAtHigherPrecision)
{
    test::TemporaryFolder dir;
    exportGguf(kStarter, dir.file("q4.gguf"), GgufFileType::Q4_K_M);
    const GgufFile file(dir.file("q4.gguf"));
    std::map<std::string, std::uint32_t> types;
    for (const GgufTensorInfo &tensor : file.tensors())
        types[tensor.name] = tensor.type;
    EXPECT_EQ(file.integer("general.file_type"), 15);
    EXPECT_EQ(file.integer("general.quantization_version"), 2);
    EXPECT_EQ(types.count("output.weight"), 0u);    // tied embeddings
    EXPECT_EQ(types["token_embd.weight"], 14u);     // so the embedding is the output: Q6_K
    EXPECT_EQ(types["blk.0.attn_norm.weight"], 0u); // norms stay F32
    EXPECT_EQ(types["blk.1.attn_q.weight"], 12u);   // Q4_K
    EXPECT_EQ(types["blk.0.attn_v.weight"], 12u);   // 4 layers: layers 2 and 3 get more bits
    EXPECT_EQ(types["blk.2.attn_v.weight"], 14u);   // Q6_K
    EXPECT_EQ(types["blk.0.ffn_down.weight"], 1u);  // rows of 688 fill no block of 32: F16
    EXPECT_EQ(file.stringArray("tokenizer.ggml.tokens").size(), 2048u);
    EXPECT_EQ(file.string("tokenizer.ggml.pre"), "llama-bpe");
    EXPECT_FALSE(file.string("tokenizer.chat_template").empty());
}

} // namespace
} // namespace mtm::engine
