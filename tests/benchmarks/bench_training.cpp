// Benchmark: training speed and memory of every method on the starter model's shape and on a ~100M-parameter
// Llama (random weights), in bfloat16 on the CPU (and on CUDA when present): tokens per second, peak resident
// memory, and the model FLOPs utilisation against the matrix-product rate this machine reaches (measured here).
// The workload: chat records of varied length (about 40 to 330 tokens), batch 8, one epoch of the given steps.
// Each method runs in a process of its own, so that its peak memory is its own, and the memory the job adds to
// its process (its peak less what the process held before) is printed beside the plan's estimate of it
// (engine/train/TrainingEstimate.h). Prints a table; asserts nothing.
// Run: build/tests/bench_training [--steps N] [--batch N] [--models starter,100m] [--methods qlora,lora,...]
//      build/tests/bench_training --one 100m --method fast --steps N [--profile trace.json]  (one run, traced)
#include "BenchmarkModels.h"
#include "engine/ComputeEnvironment.h"
#include "engine/MatmulRate.h"
#include "engine/MemoryUsage.h"
#include "engine/RuntimeInfo.h"
#include "engine/chat/ChatTemplate.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/SftData.h"
#include "engine/train/Trainer.h"
#include "engine/train/TrainingPlan.h"

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace mtm::engine;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Method
{
    const char *id;
    const char *label;
    TrainingMethod method;
    bool baseIn4Bit = false;
    bool checkpointing = false;
    bool qloraFastPath = false;
};

const std::vector<Method> &methods()
{
    static const std::vector<Method> list = {
        {"qlora", "QLoRA (fast path, NF4 base)", TrainingMethod::Qlora, true, false, true},
        {"qlora-autograd", "QLoRA (autograd, reference)", TrainingMethod::Qlora, true},
        {"lora", "LoRA (plain autograd)", TrainingMethod::Lora},
        {"fast", "fast LoRA, 16-bit base", TrainingMethod::FastLora},
        {"fast-ckpt", "  same, checkpointing", TrainingMethod::FastLora, false, true},
        {"standard", "standard (all weights)", TrainingMethod::Full},
    };
    return list;
}

ModelConfig shapeOf(const std::string &model)
{
    return model == "starter" ? mtm::bench::starterShape() : mtm::bench::llama100m();
}

// Chat records of varied length from a small vocabulary, the same on every run.
void writeRecords(const std::string &path, int count)
{
    static const char *words[] = {
        "the",    "model",  "learns",  "from",  "examples", "and",    "answers", "questions", "about",   "data",
        "in",     "a",      "clear",   "way",   "people",   "write",  "short",   "notes",     "for",     "their",
        "team",   "every",  "morning", "when",  "training", "starts", "loss",    "falls",     "slowly",  "then",
        "faster", "as",     "the",     "rate",  "warms",    "up",     "garden",  "river",     "bread",   "window",
        "music",  "letter", "city",    "train", "station",  "coffee", "paper",   "simple",    "careful", "quiet",
        "bright", "green",  "small",   "large", "early",    "late",   "because", "while",     "should",  "could",
        "would",  "check",  "save",    "open",  "close",    "read",   "count",   "measure",   "compare"};
    const int vocabulary = sizeof(words) / sizeof(*words);
    std::mt19937 random(7);
    const auto sentence = [&](int minimum, int maximum) {
        const int length = std::uniform_int_distribution<int>(minimum, maximum)(random);
        std::string text;
        for (int i = 0; i < length; ++i)
            text += (i ? " " : "") + std::string(words[std::uniform_int_distribution<int>(0, vocabulary - 1)(random)]);
        return text + ".";
    };
    std::ofstream out(path);
    for (int i = 0; i < count; ++i) {
        const json record = {{"messages",
                              {{{"role", "user"}, {"content", sentence(8, 50)}},
                               {{"role", "assistant"}, {"content", sentence(15, 200)}}}}};
        out << record.dump() << "\n";
    }
}

// One method on one model, in this process: prints "RESULT tokens/s peak-bytes before-bytes flops/token
// estimated-bytes estimated-tokens/s".
int runOne(const std::string &model, const std::string &methodId, int steps, int batch, const std::string &profile)
{
    const Method *method = nullptr;
    for (const Method &m : methods())
        if (m.id == methodId)
            method = &m;
    if (!method)
        return 2;
    const fs::path folder = fs::temp_directory_path() / ("mtm-bench-training-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    const std::string base = (folder / "base").string();
    {
        Transformer transformer(shapeOf(model));
        transformer.initializeRandomly(1);
        saveTransformer(transformer, base, torch::kBFloat16);
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
            fs::copy_file(fs::path(MTM_SOURCE_DIR) / "resources/starter-model" / name, fs::path(base) / name);
    }
    const std::string records = (folder / "records.jsonl").string();
    writeRecords(records, steps * batch);

    TrainingConfig config;
    config.method = method->method;
    config.baseIn4Bit = method->baseIn4Bit;
    config.gradientCheckpointing = method->checkpointing;
    config.qloraFastPath = method->qloraFastPath;
    config.baseModel = base;
    config.records = records;
    config.outputDirectory = (folder / "job").string();
    config.epochs = 1;
    config.batchSize = batch;
    config.learningRate = 2e-4;
    config.evalFraction = 0;
    config.lora.rank = 16;
    config.lora.alpha = 32;
    config.lora.dropout = 0;
    config.dtype = "bfloat16";
    config.maxSequenceLength = 512;
    config.warmupSteps = 0;

    const auto tokenizer = loadTokenizer(base);
    const SftData data =
        buildSftData(records, *tokenizer, ChatTemplate::forTokenizer(*tokenizer), {512, false, 0.0, 0, 42});
    const TrainingPlan plan = planTraining(config);
    const double flops = plan.flops / double(plan.trainTokens); // per trained token (no evaluation here)
    // What the job adds to the process: its peak less what the process held before, the memory freed while the
    // base model was written given back first.
    releaseFreedMemory();
    const std::uint64_t before = residentBytes();
    resetPeakResident();
    // --profile FILE: LibTorch's operator trace (chrome://tracing format) of the whole run.
    std::optional<torch::autograd::profiler::RecordProfile> trace;
    if (!profile.empty())
        trace.emplace(profile);
    const int warmup = 2;
    std::chrono::steady_clock::time_point start;
    std::int64_t startTokens = 0, endTokens = 0;
    double elapsed = 0;
    runTraining(config, [&](const TrainingProgress &progress) {
        if (progress.phase != TrainingProgress::Phase::Training)
            return true;
        if (progress.step == warmup) {
            start = std::chrono::steady_clock::now();
            startTokens = progress.trainedTokens;
        } else if (progress.step > warmup) {
            elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            endTokens = progress.trainedTokens;
        }
        return true;
    });
    const std::uint64_t peak = peakResidentBytes();
    trace.reset();
    fs::remove_all(folder);
    std::printf("RESULT %.3f %llu %llu %.6e %llu %.3f\n", double(endTokens - startTokens) / elapsed,
                static_cast<unsigned long long>(peak), static_cast<unsigned long long>(before), flops,
                static_cast<unsigned long long>(plan.memory.peak()), double(plan.trainTokens) / plan.seconds);
    return 0;
}

std::vector<std::string> split(const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, ',');)
        parts.push_back(part);
    return parts;
}

} // namespace

int main(int argc, char **argv)
{
    restartWithComputeSettings(argv);
    keepFreedMemoryForReuse();
    setCpuThreads(0);
    std::map<std::string, std::string> options = {
        {"--steps", "12"}, {"--batch", "8"}, {"--models", "starter,100m"}, {"--methods", ""}};
    const std::set<std::string> known = {"--steps", "--batch",  "--models", "--methods",
                                         "--one",   "--method", "--profile"};
    for (int i = 1; i < argc; i += 2) {
        if (!known.count(argv[i])) {
            std::fprintf(stderr,
                         "Usage: %s [--steps N] [--batch N] [--models starter,100m] [--methods qlora,lora,fast,...]\n"
                         "       %s --one MODEL --method ID [--steps N] [--batch N] [--profile trace.json]\n",
                         argv[0], argv[0]);
            return 2;
        }
        options[argv[i]] = i + 1 < argc ? argv[i + 1] : "";
    }
    if (options.count("--one"))
        return runOne(options["--one"], options["--method"], std::stoi(options["--steps"]),
                      std::stoi(options["--batch"]), options["--profile"]);

    const RuntimeInfo runtime = queryRuntimeInfo();
    const double bf16 = cpuMatmulRate(torch::kBFloat16), fp32 = cpuMatmulRate(torch::kFloat32);
    std::printf("LibTorch %s, CPU: %s (%d threads, bf16 %s)\n", runtime.torchVersion.c_str(), runtime.cpuModel.c_str(),
                at::get_num_threads(), runtime.cpuHasBf16 ? "native" : "emulated");
    std::printf("measured matrix product 2048x768 * 768x2048: bf16 %.0f GFLOP/s, fp32 %.0f GFLOP/s\n", bf16 / 1e9,
                fp32 / 1e9);
    std::printf("workload: batch %d, chat records of 40 to 330 tokens, %s steps timed after 2, bf16, LoRA r 16\n\n",
                std::stoi(options["--batch"]), options["--steps"].c_str());
    std::printf("%-8s %-28s %9s %9s %6s %10s %10s %10s %6s %6s\n", "model", "method", "tokens/s", "estimate", "error",
                "peak RSS", "job", "estimate", "error", "MFU");
    std::vector<std::string> chosen = split(options["--methods"]);
    if (chosen.empty())
        for (const Method &m : methods())
            chosen.push_back(m.id);
    for (const std::string &model : split(options["--models"])) {
        for (const std::string &id : chosen) {
            const std::string command = std::string("'") + argv[0] + "' --one " + model + " --method " + id +
                                        " --steps " + options["--steps"] + " --batch " + options["--batch"];
            FILE *child = ::popen(command.c_str(), "r");
            char line[512] = {};
            double tokensPerSecond = 0, flops = 0, estimatedSpeed = 0;
            unsigned long long peak = 0, before = 0, estimate = 0;
            bool found = false;
            while (child && std::fgets(line, sizeof line, child))
                found = found || std::sscanf(line, "RESULT %lf %llu %llu %lf %llu %lf", &tokensPerSecond, &peak,
                                             &before, &flops, &estimate, &estimatedSpeed) == 6;
            if (child)
                ::pclose(child);
            std::string label = id;
            for (const Method &m : methods())
                if (m.id == id)
                    label = m.label;
            if (!found) {
                std::printf("%-8s %-28s failed\n", model.c_str(), label.c_str());
                continue;
            }
            const unsigned long long job = peak - before;
            const auto error = [](double estimated, double measured) {
                return 100.0 * (estimated - measured) / measured;
            };
            std::printf("%-8s %-28s %9.0f %9.0f %+5.0f%% %6llu MiB %6llu MiB %6llu MiB %+5.0f%% %5.1f%%\n",
                        model.c_str(), label.c_str(), tokensPerSecond, estimatedSpeed,
                        error(estimatedSpeed, tokensPerSecond), peak >> 20, job >> 20, estimate >> 20,
                        error(double(estimate), double(job)), 100.0 * tokensPerSecond * flops / bf16);
            std::fflush(stdout);
        }
    }
    return 0;
}
