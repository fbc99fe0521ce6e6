// The trainer end to end on a tiny model with the starter tokenizer: every method trains and writes the files
// the ecosystem expects, an interrupted and resumed run ends bit-identical to an uninterrupted one, a changed
// job is refused, cancelling stops within a step, and only the last checkpoints are kept.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/DeviceChoice.h"
#include "engine/EngineError.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/CheckpointStore.h"
#include "engine/train/Lora.h"
#include "engine/train/Trainer.h"
#include "engine/train/TrainingPlan.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

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

    TrainingConfig config(TrainingMethod method, const std::string &job,
                          const std::function<void(TrainingConfig &)> &adjust = {}) const
    {
        TrainingConfig c;
        c.method = method;
        c.baseModel = base;
        c.records = records;
        c.outputDirectory = folder.file(job);
        c.epochs = 2;
        c.batchSize = 4;
        c.learningRate = 5e-3;
        c.evalCount = 4;
        c.lora.rank = 4;
        c.lora.alpha = 8;
        c.lora.dropout = method == TrainingMethod::FastLora ? 0.0 : 0.1;
        c.dtype = "bfloat16";
        c.device = "cpu";
        c.warmupSteps = 1;
        if (adjust)
            adjust(c);
        return c;
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

std::vector<double> losses(const TrainingResult &result)
{
    std::vector<double> list;
    for (const HistoryEntry &entry : result.history)
        if (entry.loss)
            list.push_back(*entry.loss);
    return list;
}

// Runs the job, which `keepGoing` cancels; returns the message of the cancellation and the last progress heard.
std::pair<std::string, TrainingProgress> runUntilCancelled(const TrainingConfig &job, const TrainingCallback &keepGoing)
{
    TrainingProgress last;
    try {
        runTraining(job, [&](const TrainingProgress &progress) {
            last = progress;
            return keepGoing(progress);
        });
        ADD_FAILURE() << "the run ended normally after it was cancelled";
    } catch (const EngineError &error) {
        EXPECT_EQ(error.kind(), EngineError::Kind::Cancelled) << error.what();
        return {error.what(), last};
    }
    return {std::string(), last};
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

class EveryMethod : public TrainerFixture, public ::testing::WithParamInterface<TrainingMethod>
{};

TEST_P(EveryMethod, TrainsReportsAndWritesItsOutput)
{
    const TrainingConfig job = config(GetParam(), "job");
    std::vector<TrainingProgress> steps;
    const TrainingResult result = runTraining(job, [&](const TrainingProgress &progress) {
        if (progress.phase == TrainingProgress::Phase::Training)
            steps.push_back(progress);
        return true;
    });
    EXPECT_EQ(result.steps, 10);
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

    const std::vector<double> list = losses(result);
    EXPECT_LT(list.back(), list.front());
    std::vector<double> evals;
    for (const HistoryEntry &entry : result.history)
        if (entry.isEvaluation())
            evals.push_back(*entry.evalLoss);
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

const std::vector<TrainingMethod> kEveryMethod = {TrainingMethod::Qlora, TrainingMethod::Lora, TrainingMethod::FastLora,
                                                  TrainingMethod::Full};
INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod, ::testing::ValuesIn(kEveryMethod));

class Resume : public TrainerFixture, public ::testing::WithParamInterface<TrainingMethod>
{};

TEST_P(Resume, AnInterruptedRunEndsBitIdentical)
{
    const auto every = [](TrainingConfig &c) {
        c.checkpointEvery = 3;
        c.evalEvery = 4;
        c.gradientAccumulation = 2;
        c.epochs = 3;
    };
    const TrainingResult whole = runTraining(config(GetParam(), "whole", every), nullptr);

    const TrainingConfig interrupted = config(GetParam(), "interrupted", every);
    const auto [message, last] = runUntilCancelled(interrupted, [](const TrainingProgress &progress) {
        return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 5);
    });
    EXPECT_EQ(last.step, 5);
    EXPECT_EQ(fs::path(last.lastCheckpoint).filename(), "checkpoint-3");
    EXPECT_TRUE(contains(message, "step 5 of")) << message;
    EXPECT_TRUE(contains(message, "checkpoint-3")) << message;
    const TrainingResult second = runTraining(interrupted, nullptr);
    EXPECT_EQ(fs::path(second.resumedFrom).filename(), "checkpoint-3");

    const std::string weights = interrupted.usesLora() ? "adapter_model.safetensors" : "model.safetensors";
    const std::string expected = fileBytes(whole.outputPath + "/" + weights);
    ASSERT_GT(expected.size(), 1000u);
    EXPECT_EQ(expected, fileBytes(second.outputPath + "/" + weights));
    EXPECT_EQ(fileBytes(whole.lastCheckpoint + "/optimizer.safetensors"),
              fileBytes(second.lastCheckpoint + "/optimizer.safetensors"));
    EXPECT_EQ(losses(whole), losses(second));
}

INSTANTIATE_TEST_SUITE_P(Methods, Resume,
                         ::testing::Values(TrainingMethod::Qlora, TrainingMethod::FastLora, TrainingMethod::Full));

// The app's QLoRA jobs run on the fast path over the NF4 base: they learn, write qlora_model/, and resume bit for
// bit like every method.
TEST_F(TrainerFixture, QloraOnTheFastPath)
{
    const auto fast = [](TrainingConfig &c) {
        c.qloraFastPath = true;
        c.lora.dropout = 0;
        c.checkpointEvery = 3;
        c.epochs = 3;
    };
    ASSERT_TRUE(config(TrainingMethod::Qlora, "x", fast).usesFastPath());
    const TrainingResult whole = runTraining(config(TrainingMethod::Qlora, "whole", fast), nullptr);
    EXPECT_EQ(fs::path(whole.outputPath).filename(), "qlora_model");
    const std::vector<double> list = losses(whole);
    EXPECT_LT(list.back(), list.front());
    const TrainingConfig interrupted = config(TrainingMethod::Qlora, "interrupted", fast);
    runUntilCancelled(interrupted, [](const TrainingProgress &progress) {
        return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 5);
    });
    const TrainingResult second = runTraining(interrupted, nullptr);
    EXPECT_EQ(fs::path(second.resumedFrom).filename(), "checkpoint-3");
    EXPECT_EQ(fileBytes(whole.outputPath + "/adapter_model.safetensors"),
              fileBytes(second.outputPath + "/adapter_model.safetensors"));
    // The autograd path is the reference; both train the same adapters from the same start.
    const TrainingResult reference = runTraining(config(TrainingMethod::Qlora, "reference",
                                                        [&](TrainingConfig &c) {
                                                            fast(c);
                                                            c.qloraFastPath = false;
                                                        }),
                                                 nullptr);
    EXPECT_NEAR(losses(reference).front(), list.front(), 1e-2);
}

// Checkpointing activations trades compute for memory and changes nothing else: a job may switch it on or off
// when it continues.
TEST_F(TrainerFixture, ActivationCheckpointingChangesNoBit)
{
    for (const TrainingMethod method : {TrainingMethod::FastLora, TrainingMethod::Lora}) { // lora: with dropout
        const auto checkpointing = [](bool on) {
            return [on](TrainingConfig &c) {
                c.checkpointEvery = 3;
                c.gradientCheckpointing = on;
            };
        };
        const std::string name = method == TrainingMethod::Lora ? "lora" : "fast";
        const TrainingResult whole = runTraining(config(method, name + "-whole", checkpointing(false)), nullptr);
        const auto stopAtFour = [](const TrainingProgress &progress) {
            return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 4);
        };
        runUntilCancelled(config(method, name + "-switched", checkpointing(true)), stopAtFour);
        const TrainingResult switched = runTraining(config(method, name + "-switched", checkpointing(false)), nullptr);
        EXPECT_EQ(fs::path(switched.resumedFrom).filename(), "checkpoint-3");
        EXPECT_EQ(fileBytes(whole.outputPath + "/adapter_model.safetensors"),
                  fileBytes(switched.outputPath + "/adapter_model.safetensors"))
            << name;
    }
}

TEST_F(TrainerFixture, RefusesToResumeAChangedJob)
{
    const auto stopAtTwo = [](const TrainingProgress &progress) {
        return !(progress.phase == TrainingProgress::Phase::Training && progress.step == 2);
    };
    const auto everyStep = [](TrainingConfig &c) { c.checkpointEvery = 1; };
    runUntilCancelled(config(TrainingMethod::Lora, "job", everyStep), stopAtTwo);
    try {
        runTraining(config(TrainingMethod::Lora, "job",
                           [&](TrainingConfig &c) {
                               everyStep(c);
                               c.learningRate = 1e-3;
                           }),
                    nullptr);
        FAIL() << "a changed learning rate was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("learning_rate was 0.005, now 0.001"), std::string::npos)
            << error.what();
    }
    writeRecords(records, 24, 1);
    try {
        runTraining(config(TrainingMethod::Lora, "job", everyStep), nullptr);
        FAIL() << "a changed dataset was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("dataset"), std::string::npos) << error.what();
    }
    // Starting afresh is always possible.
    TrainingRunOptions afresh;
    afresh.resume = false;
    EXPECT_EQ(runTraining(config(TrainingMethod::Lora, "job", everyStep), nullptr, afresh).resumedFrom, "");
}

TEST_F(TrainerFixture, CancelStopsWithinOneStepAndKeepsTheLastCheckpoints)
{
    const auto [message, last] = runUntilCancelled(config(TrainingMethod::Lora, "job",
                                                          [](TrainingConfig &c) {
                                                              c.checkpointEvery = 2;
                                                              c.keepCheckpoints = 2;
                                                          }),
                                                   [](const TrainingProgress &progress) { return progress.step < 7; });
    EXPECT_EQ(last.step, 7);
    EXPECT_TRUE(contains(message, "step 7 of")) << message;
    EXPECT_TRUE(contains(message, "checkpoint-6")) << message;
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
    const auto byTime = [](double minutes) {
        return [minutes](TrainingConfig &c) {
            c.checkpointMinutes = minutes;
            c.keepCheckpoints = 100;
        };
    };
    const TrainingResult often = runTraining(config(TrainingMethod::Lora, "often", byTime(1e-9)), nullptr);
    EXPECT_EQ(checkpoints("often"), static_cast<std::size_t>(often.steps));
    runTraining(config(TrainingMethod::Lora, "end", byTime(0)), nullptr);
    EXPECT_EQ(checkpoints("end"), 1u);
}

TEST_F(TrainerFixture, TheFastPathRefusesDropout)
{
    const TrainingConfig withDropout =
        config(TrainingMethod::FastLora, "job", [](TrainingConfig &c) { c.lora.dropout = 0.1; });
    ASSERT_EQ(withDropout.problems().size(), 1u);
    EXPECT_EQ(withDropout.problems()[0].setting, "lora_dropout");
    EXPECT_THROW(runTraining(withDropout, nullptr), EngineError);
    EXPECT_FALSE(fs::exists(folder.file("job")));
}

TEST_F(TrainerFixture, TakesABaseModelFolderGivenRelativeToTheWorkingDirectory)
{
    const std::string relative = fs::relative(base).string();
    ASSERT_NE(relative.front(), '/');
    const TrainingResult result = runTraining(config(TrainingMethod::Lora, "job",
                                                     [&](TrainingConfig &c) {
                                                         c.baseModel = relative;
                                                         c.epochs = 1;
                                                     }),
                                              nullptr);
    EXPECT_EQ(result.steps, 5);
}

// The plan shown before a job starts is what the run then does.
TEST_F(TrainerFixture, ThePlanIsWhatTheRunDoes)
{
    const TrainingConfig job = config(TrainingMethod::Lora, "planned", [](TrainingConfig &c) {
        c.gradientAccumulation = 2;
        c.maxSequenceLength = 30;
    });
    const TrainingPlan plan = planTraining(job);
    std::int64_t totalSteps = 0;
    const TrainingResult result = runTraining(job, [&](const TrainingProgress &progress) {
        totalSteps = progress.totalSteps;
        return true;
    });
    EXPECT_EQ(plan.records, result.records);
    EXPECT_EQ(plan.trainExamples, result.trainExamples);
    EXPECT_EQ(plan.evalExamples, result.evalExamples);
    EXPECT_EQ(plan.truncated, result.truncated);
    EXPECT_EQ(plan.withoutTargets, result.withoutTargets);
    EXPECT_LE(plan.longestExample, 30);
    EXPECT_EQ(plan.steps, totalSteps);
    // Batches of 4, accumulated in pairs, rounded up; 2 epochs.
    EXPECT_EQ(plan.steps, 2 * (((plan.trainExamples + 3) / 4 + 1) / 2));
    EXPECT_GT(plan.trainTokens, plan.trainExamples);
    // Its cost: memory on the CPU for the largest batch, against what is free; the work and its time.
    EXPECT_FALSE(plan.onCuda);
    EXPECT_GT(plan.memory.activations, 0u);
    EXPECT_GT(plan.memory.peak(), plan.memory.weights + plan.memory.optimizer);
    EXPECT_GT(plan.memoryAvailable, 0u);
    EXPECT_TRUE(plan.fits());
    EXPECT_GT(plan.flops, 2.0 * double(plan.trainTokens) * double(job.epochs));
    EXPECT_GT(plan.seconds, 0.0);
    EXPECT_GE(plan.cpuThreads, 1);
}

TEST(TrainingConfig, NamesADeviceByItsNumber)
{
    TrainingConfig c;
    const std::vector<std::pair<std::string, int>> devices = {
        {"auto", -1},  {"cpu", -1},    {"cuda", 0},     {"cuda:0", 0}, {"cuda:3", 3},
        {"cuda:", -2}, {"cuda:x", -2}, {"cuda:-1", -2}, {"gpu", -2},   {"cuda:99999", -2}};
    for (const auto &[device, index] : devices) {
        c.device = device;
        EXPECT_EQ(c.cudaIndex(), index) << device;
    }
}

TEST(DeviceChoice, OneReadingForEveryUseAndNoSilentFallback)
{
    EXPECT_EQ(resolveDevice("cpu"), torch::Device(torch::kCPU));
    EXPECT_EQ(resolveDevice("auto").is_cuda(), torch::cuda::is_available());
    // A name that is no device was taken as the CPU when a model was opened for generation.
    try {
        resolveDevice("gpu");
        ADD_FAILURE() << "\"gpu\" was accepted";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("The device \"gpu\" is not one"), std::string::npos);
    }
    if (!torch::cuda::is_available()) {
        EXPECT_THROW(resolveDevice("cuda:1"), EngineError);
    }
}

TEST_F(TrainerFixture, SaysWhichGpuItCannotFind)
{
    if (torch::cuda::is_available())
        GTEST_SKIP() << "a CPU-only check";
    TrainingConfig job = config(TrainingMethod::Lora, "no-gpu", [](TrainingConfig &c) { c.device = "cuda:1"; });
    try {
        runTraining(job, nullptr);
        FAIL() << "trained without the GPU it asked for";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find("device: cuda:1"), std::string::npos) << error.what();
    }
}

TEST(TrainingConfig, NamesEverySettingItCannotRunWith)
{
    TrainingConfig c;
    c.epochs = 0;
    c.lora.rank = 0;
    c.device = "tpu";
    std::vector<std::string> settings;
    for (const SettingProblem &problem : c.problems())
        settings.push_back(problem.setting);
    EXPECT_EQ(settings,
              (std::vector<std::string>{"model_name", "dataset", "output_dir", "epochs", "lora_r", "device"}));
    try {
        c.check();
        FAIL() << "check() accepted a config without a model";
    } catch (const EngineError &error) {
        EXPECT_TRUE(contains(error.what(), "epochs must be 1 to 1000")) << error.what();
    }
}

} // namespace
} // namespace mtm::engine
