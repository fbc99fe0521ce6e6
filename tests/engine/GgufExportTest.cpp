// GGUF files the engine writes, loaded by llama.cpp itself (the npm package node-llama-cpp, pinned, CPU): the
// starter model exported at every file type loads and generates, tokenizes text as the engine does, and at F32
// continues a prompt greedily with exactly the engine's tokens. Skips when node, npm or the registry is missing.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/export/GgufExport.h"
#include "engine/generate/Generator.h"
#include "engine/io/GgufFile.h"
#include "engine/io/GgufWriter.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/GenerationConfig.h"
#include "engine/tokenizer/TokenizerLoader.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

const std::string kStarter = MTM_SOURCE_DIR "/resources/starter-model";
const std::string kText = "The cat sat on the mat. It was warm, and the day was long.";

// node-llama-cpp with its prebuilt linux-x64 llama.cpp, installed once into the build folder.
std::optional<fs::path> llamaCpp()
{
    if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0)
        return std::nullopt;
    const fs::path folder = fs::path(MTM_NPM_CACHE_DIR) / "llama-cpp";
    fs::create_directories(folder);
    if (!fs::exists(folder / "node_modules/@node-llama-cpp/linux-x64/package.json")) {
        const std::string install =
            "cd '" + folder.string() +
            "' && flock install.lock sh -c 'test -f node_modules/@node-llama-cpp/linux-x64/package.json || "
            "(echo {} > package.json && timeout 900 npm install --no-audit --no-fund --loglevel=error "
            "--omit=optional -E node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1)' > npm-install.log 2>&1";
        if (std::system(install.c_str()) != 0)
            return std::nullopt;
    }
    fs::copy_file(MTM_SOURCE_DIR "/tests/engine/reference/llama-generate.mjs", folder / "llama-generate.mjs",
                  fs::copy_options::overwrite_existing);
    return folder;
}

nlohmann::json runLlamaCpp(const fs::path &folder, const std::string &gguf, const std::vector<std::int32_t> &ids,
                           int count, const std::string &outputFile)
{
    std::string list;
    for (const std::int32_t id : ids)
        list += (list.empty() ? "" : ",") + std::to_string(id);
    const std::string run = "node '" + (folder / "llama-generate.mjs").string() + "' '" + gguf + "' '" + kText + "' " +
                            list + " " + std::to_string(count) + " > '" + outputFile + "' 2>&1";
    if (std::system(run.c_str()) != 0) {
        std::ifstream log(outputFile);
        ADD_FAILURE() << "llama.cpp could not load or run " << gguf << ":\n" << log.rdbuf();
        return {};
    }
    std::ifstream in(outputFile);
    return nlohmann::json::parse(in);
}

TEST(GgufExport, LlamaCppLoadsEveryFileTypeAndAgreesWithTheEngine)
{
    const auto folder = llamaCpp();
    if (!folder)
        GTEST_SKIP() << "node, npm or node-llama-cpp is not available; see " MTM_NPM_CACHE_DIR "/llama-cpp";
    test::TemporaryFolder dir;
    const auto tokenizer = loadTokenizer(kStarter);
    std::vector<std::int32_t> prompt = tokenizer->encode(kText, {true, false});
    prompt.resize(6);
    const auto model = loadTransformer(kStarter, torch::kFloat32, torch::kCPU);
    GenerationOptions greedy;
    greedy.maxNewTokens = 24;
    const std::vector<std::int32_t> expected = generate(*model, prompt, greedy).tokens;
    ASSERT_FALSE(expected.empty());

    for (const GgufFileType type : {GgufFileType::F32, GgufFileType::F16, GgufFileType::BF16, GgufFileType::Q8_0,
                                    GgufFileType::Q4_K_M, GgufFileType::Q5_K_M}) {
        const std::string gguf = dir.file("starter-" + ggufFileTypeName(type) + ".gguf");
        exportGguf(kStarter, gguf, type);
        EXPECT_EQ(GgufFile(gguf).integer("general.file_type") > 0, type != GgufFileType::F32);
        const nlohmann::json answer = runLlamaCpp(*folder, gguf, prompt, 24, dir.file("answer.json"));
        if (answer.is_null())
            continue;
        // The file's tokenizer (tokens, merges, pre-tokenizer) is the engine's.
        EXPECT_EQ(answer["tokens"].get<std::vector<std::int32_t>>(), tokenizer->encode(kText))
            << ggufFileTypeName(type);
        const auto generated = answer["generated"].get<std::vector<std::int32_t>>();
        EXPECT_FALSE(generated.empty()) << ggufFileTypeName(type);
        if (type == GgufFileType::F32) {
            EXPECT_EQ(generated, expected) << "llama.cpp's greedy continuation of the F32 file";
        }
        std::printf("%-6s: %zu bytes, llama.cpp %s (engine: %s)\n", ggufFileTypeName(type).c_str(),
                    std::size_t(fs::file_size(gguf)), nlohmann::json(generated).dump().c_str(),
                    nlohmann::json(expected).dump().c_str());
    }
}

TEST(GgufExport, MistralAndQwen2FilesContinueAsTheEngineDoes)
{
    // Qwen2: no Q/K permutation and biases on q, k and v; Mistral: written as llama. Random weights large enough
    // that the greedy choices are clear, the starter tokenizer, F32.
    const auto folder = llamaCpp();
    if (!folder)
        GTEST_SKIP() << "node, npm or node-llama-cpp is not available; see " MTM_NPM_CACHE_DIR "/llama-cpp";
    const auto tokenizer = loadTokenizer(kStarter);
    for (const ModelFamily family : {ModelFamily::Mistral, ModelFamily::Qwen2}) {
        test::TemporaryFolder dir;
        ModelConfig config = test::tinyConfig(family);
        config.vocabSize = tokenizer->vocabularySize();
        config.slidingWindow.reset(); // llama.cpp's llama architecture has no sliding window (nor its converter)
        const auto model = test::tinyModel(config, 5);
        saveTransformer(*model, dir.path(), torch::kFloat32, GenerationConfig());
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
            fs::copy_file(kStarter + "/" + name, dir.file(name));
        exportGguf(dir.path(), dir.file("model.gguf"), GgufFileType::F32);

        const std::vector<std::int32_t> prompt = tokenizer->encode(kText, {true, false});
        GenerationOptions greedy;
        greedy.maxNewTokens = 16;
        const auto expected = generate(*model, prompt, greedy).tokens;
        const nlohmann::json answer = runLlamaCpp(*folder, dir.file("model.gguf"), prompt, 16, dir.file("out.json"));
        ASSERT_FALSE(answer.is_null());
        EXPECT_EQ(answer["generated"].get<std::vector<std::int32_t>>(), expected)
            << (family == ModelFamily::Qwen2 ? "qwen2" : "mistral");
    }
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
