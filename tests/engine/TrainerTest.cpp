// The trainer end to end on a tiny model with the starter tokenizer: every method trains and writes the files
// the ecosystem expects, an interrupted and resumed run ends bit-identical to an uninterrupted one, a changed
// job is refused, cancelling stops within a step, and only the last checkpoints are kept.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/EngineError.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/Lora.h"
#include "engine/train/Trainer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string starterTokenizerFolder()
{
    return std::string(MTM_SOURCE_DIR) + "/resources/starter-model";
}

// A two-layer Llama with the starter tokenizer's 2048 tokens.
std::string makeBaseModel(const test::TemporaryFolder &folder)
{
    ModelConfig config = test::tinyConfig(ModelFamily::Llama);
    config.vocabSize = 2048;
    config.tieWordEmbeddings = true;
    auto model = std::make_shared<Transformer>(config);
    model->initializeRandomly(11);
    const std::string directory = folder.file("base");
    saveTransformer(*model, directory, torch::kFloat32);
    for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
        fs::copy_file(fs::path(starterTokenizerFolder()) / name, fs::path(directory) / name);
    return directory;
}

std::string writeRecords(const std::string &path, int count, int offset = 0)
{
    std::ofstream out(path);
    for (int i = 0; i < count; ++i) {
        const int a = (i + offset) % 10, b = (i * 3 + 1) % 10;
        const json record = {
            {"messages",
             {{{"role", "user"}, {"content", "What is " + std::to_string(a) + " plus " + std::to_string(b) + "?"}},
              {{"role", "assistant"},
               {"content", std::to_string(a) + " plus " + std::to_string(b) + " is " + std::to_string(a + b) + "."}}}}};
        out << record.dump() << "\n";
    }
    return path;
}

class TrainerFixture : public ::testing::Test
{
protected:
    void SetUp() override
    {
        base = makeBaseModel(folder);
        records = writeRecords(folder.file("records.jsonl"), 24);
    }

    TrainingConfig config(const std::string &type, const std::string &job, json extra = json::object()) const
    {
        json settings = {
            {"training_type", type}, {"model_name", base}, {"dataset", records},    {"output_dir", folder.file(job)},
            {"epochs", 2},           {"batch_size", 4},    {"learning_rate", 5e-3}, {"eval_count", 4},
            {"lora_r", 4},           {"lora_alpha", 8},    {"dtype", "bfloat16"},   {"device", "cpu"},
            {"warmup_steps", 1}};
        if (type != "unsloth")
            settings["lora_dropout"] = 0.1;
        settings.update(extra);
        return TrainingConfig::fromJson(settings, "test");
    }

    test::TemporaryFolder folder;
    std::string base;
    std::string records;
};

std::string fileBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<double> losses(const TrainerState &state)
{
    std::vector<double> list;
    for (const json &entry : state.history)
        if (entry.contains("loss"))
            list.push_back(entry["loss"].get<double>());
    return list;
}

class EveryMethod : public TrainerFixture, public ::testing::WithParamInterface<const char *>
{};

TEST_P(EveryMethod, TrainsReportsAndWritesItsOutput)
{
    const std::string type = GetParam();
    const TrainingConfig job = config(type, "job");
    std::vector<TrainingProgress> steps;
    const TrainingResult result = runTraining(job, [&](const TrainingProgress &progress) {
        if (progress.phase == TrainingProgress::Phase::Training)
            steps.push_back(progress);
        return true;
    });
    ASSERT_TRUE(result.completed);
    EXPECT_EQ(result.trainExamples, 20);
    EXPECT_EQ(result.evalExamples, 4);
    ASSERT_EQ(steps.size(), 10u); // 2 epochs of 5 batches
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const TrainingProgress &p = steps[i];
        EXPECT_EQ(p.step, std::int64_t(i + 1));
        EXPECT_EQ(p.totalSteps, 10);
        EXPECT_DOUBLE_EQ(p.epoch, double(i + 1) / 5.0);
        ASSERT_TRUE(p.loss.has_value());
        EXPECT_TRUE(std::isfinite(*p.loss));
        EXPECT_TRUE(p.evalLoss.has_value()); // the initial evaluation
        EXPECT_GT(p.tokensPerSecond, 0);
        EXPECT_GT(p.memoryBytes, 0u);
        EXPECT_GT(p.gradientNorm, 0);
        EXPECT_GE(p.etaSeconds, 0);
    }
    EXPECT_DOUBLE_EQ(steps[0].learningRate, 0.0);  // warmup starts at zero
    EXPECT_DOUBLE_EQ(steps[1].learningRate, 5e-3); // then the peak, decaying linearly
    EXPECT_NEAR(steps[9].learningRate, 5e-3 / 9, 1e-12);

    const std::vector<double> list = losses(result.state);
    EXPECT_LT(list.back(), list.front());
    std::vector<double> evals;
    for (const json &entry : result.state.history)
        if (entry.contains("eval_loss"))
            evals.push_back(entry["eval_loss"].get<double>());
    ASSERT_EQ(evals.size(), 3u); // before training and after each epoch
    EXPECT_LT(evals.back(), evals.front());

    const fs::path output = result.outputPath;
    EXPECT_EQ(output, fs::path(folder.file("job")) / job.outputFolderName());
    for (const char *name : {"tokenizer.json", "tokenizer_config.json", "training_config.json", "trainer_state.json"})
        EXPECT_TRUE(fs::is_regular_file(output / name)) << name;
    const LoadedCheckpoint last = CheckpointStore::read(result.lastCheckpoint);
    EXPECT_EQ(last.state.step, 10);
    if (job.usesLora()) {
        auto model = loadTransformer(base, torch::kFloat32, torch::kCPU);
        const LoraSettings settings = loadLoraAdapter(*model, output.string());
        EXPECT_EQ(settings.rank, 4);
        for (const auto &[name, projection] : decoderProjections(*model)) {
            EXPECT_TRUE(torch::equal(projection->lora_A->weight, last.weights.at(name + ".lora_A.weight"))) << name;
            EXPECT_TRUE(torch::equal(projection->lora_B->weight, last.weights.at(name + ".lora_B.weight"))) << name;
        }
    } else {
        auto model = loadTransformer(output.string(), torch::kFloat32, torch::kCPU);
        EXPECT_TRUE(fs::is_regular_file(output / "generation_config.json"));
        for (const auto &parameter : model->named_parameters())
            EXPECT_TRUE(torch::equal(parameter.value(),
                                     last.weights.at(parameter.key()).to(torch::kBFloat16).to(torch::kFloat32)))
                << parameter.key();
    }
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod, ::testing::Values("qlora", "lora", "unsloth", "standard"));

class Resume : public TrainerFixture, public ::testing::WithParamInterface<const char *>
{};

TEST_P(Resume, AnInterruptedRunEndsBitIdentical)
{
    const std::string type = GetParam();
    const json every = {{"save_steps", 3}, {"eval_steps", 4}, {"gradient_accumulation_steps", 2}, {"epochs", 3}};
    const TrainingResult whole = runTraining(config(type, "whole", every), nullptr);
    ASSERT_TRUE(whole.completed);

    const TrainingConfig interrupted = config(type, "interrupted", every);
    const TrainingResult first = runTraining(interrupted, [](const TrainingProgress &progress) {
        return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 5);
    });
    EXPECT_FALSE(first.completed);
    EXPECT_EQ(first.state.step, 5);
    EXPECT_EQ(fs::path(first.lastCheckpoint).filename(), "checkpoint-3");
    const TrainingResult second = runTraining(interrupted, nullptr);
    ASSERT_TRUE(second.completed);
    EXPECT_EQ(fs::path(second.resumedFrom).filename(), "checkpoint-3");

    const std::string weights = interrupted.usesLora() ? "adapter_model.safetensors" : "model.safetensors";
    const std::string expected = fileBytes(whole.outputPath + "/" + weights);
    ASSERT_GT(expected.size(), 1000u);
    EXPECT_EQ(expected, fileBytes(second.outputPath + "/" + weights));
    EXPECT_EQ(fileBytes(whole.lastCheckpoint + "/optimizer.safetensors"),
              fileBytes(second.lastCheckpoint + "/optimizer.safetensors"));
    EXPECT_EQ(losses(whole.state), losses(second.state));
}

INSTANTIATE_TEST_SUITE_P(Methods, Resume, ::testing::Values("qlora", "unsloth", "standard"));

// Checkpointing activations trades compute for memory and changes nothing else: a job may switch it on or off
// when it continues.
TEST_F(TrainerFixture, ActivationCheckpointingChangesNoBit)
{
    for (const char *type : {"unsloth", "lora"}) {
        const json off = {{"save_steps", 3}, {"gradient_checkpointing", false}}; // lora: with dropout, replayed
        json on = off;
        on["gradient_checkpointing"] = true;
        const TrainingResult whole = runTraining(config(type, std::string(type) + "-whole", off), nullptr);
        ASSERT_TRUE(whole.completed);
        const auto stopAtFour = [](const TrainingProgress &progress) {
            return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 4);
        };
        ASSERT_FALSE(runTraining(config(type, std::string(type) + "-switched", on), stopAtFour).completed);
        const TrainingResult switched = runTraining(config(type, std::string(type) + "-switched", off), nullptr);
        ASSERT_TRUE(switched.completed);
        EXPECT_EQ(fs::path(switched.resumedFrom).filename(), "checkpoint-3");
        EXPECT_EQ(fileBytes(whole.outputPath + "/adapter_model.safetensors"),
                  fileBytes(switched.outputPath + "/adapter_model.safetensors"))
            << type;
    }
}

TEST_F(TrainerFixture, RefusesToResumeAChangedJob)
{
    const auto stopAtTwo = [](const TrainingProgress &progress) {
        return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 2);
    };
    ASSERT_FALSE(runTraining(config("lora", "job", {{"save_steps", 1}}), stopAtTwo).completed);
    try {
        runTraining(config("lora", "job", {{"save_steps", 1}, {"learning_rate", 1e-3}}), nullptr);
        FAIL() << "a changed learning rate was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("learning_rate was 0.005, now 0.001"), std::string::npos)
            << error.what();
    }
    writeRecords(records, 24, 1);
    try {
        runTraining(config("lora", "job", {{"save_steps", 1}}), nullptr);
        FAIL() << "a changed dataset was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("dataset"), std::string::npos) << error.what();
    }
    // Starting afresh is always possible.
    TrainingRunOptions afresh;
    afresh.resume = false;
    EXPECT_TRUE(runTraining(config("lora", "job", {{"save_steps", 1}}), nullptr, afresh).completed);
}

TEST_F(TrainerFixture, CancelStopsWithinOneStepAndKeepsTheLastCheckpoints)
{
    const TrainingResult result = runTraining(config("lora", "job", {{"save_steps", 2}, {"save_total_limit", 2}}),
                                              [](const TrainingProgress &progress) { return progress.step < 7; });
    EXPECT_FALSE(result.completed);
    EXPECT_EQ(result.state.step, 7);
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(folder.file("job/checkpoints")))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"checkpoint-4", "checkpoint-6"}));
    EXPECT_FALSE(fs::exists(folder.file("job/lora_model")));
}

// Without save_steps, checkpoints follow the time spent (save_minutes), so that a crash loses little work; a
// time of 0 leaves only the final checkpoint.
TEST_F(TrainerFixture, CheckpointsByTimeWhenNoStepsAreSet)
{
    const auto checkpoints = [&](const std::string &job) {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto &entry : fs::directory_iterator(folder.file(job + "/checkpoints")))
            ++count;
        return count;
    };
    const TrainingResult often =
        runTraining(config("lora", "often", {{"save_minutes", 1e-9}, {"save_total_limit", 100}}), nullptr);
    ASSERT_TRUE(often.completed);
    EXPECT_EQ(checkpoints("often"), static_cast<std::size_t>(often.state.totalSteps));
    ASSERT_TRUE(
        runTraining(config("lora", "end", {{"save_minutes", 0}, {"save_total_limit", 100}}), nullptr).completed);
    EXPECT_EQ(checkpoints("end"), 1u);
}

TEST_F(TrainerFixture, TheFastPathRefusesDropout)
{
    EXPECT_EQ(config("unsloth", "job").lora.dropout, 0.0);
    EXPECT_THROW(config("unsloth", "job", {{"lora_dropout", 0.1}}), EngineError);
}

} // namespace
} // namespace mtm::engine
