// The engine as a small program for comparisons with other implementations (tests/validation/
// compare_with_transformers.py runs it beside transformers and PEFT on a CUDA machine):
//   engine_probe logits --model DIR [--adapter DIR] --ids 1,2,3 --out FILE [--device cpu|cuda]
//       the logits of the model (with a PEFT LoRA adapter applied, unmerged) for one sequence, in float32,
//       written to FILE as safetensors ("logits": [1, tokens, vocabulary]);
//   engine_probe train JOB.json
//       runs a training job (the engine's configuration: model_name a model folder, dataset a records.jsonl,
//       output_dir the job folder) and prints the loss of each step.
// Exit status 0 on success, 1 with a message on failure, 2 for bad usage. Needs no Qt.
#include "engine/EngineError.h"
#include "engine/ThreadSpinLimit.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/Lora.h"
#include "engine/train/Trainer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace mtm::engine;

int usage()
{
    std::fprintf(stderr, "Usage: engine_probe logits --model DIR [--adapter DIR] --ids 1,2,3 --out FILE "
                         "[--device cpu|cuda]\n       engine_probe train JOB.json\n");
    return 2;
}

std::vector<std::int64_t> parseIds(const std::string &text)
{
    std::vector<std::int64_t> ids;
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');)
        ids.push_back(std::stoll(item));
    if (ids.empty())
        throw EngineError("--ids needs at least one token id");
    return ids;
}

int writeLogits(std::map<std::string, std::string> options)
{
    if (options["--model"].empty() || options["--ids"].empty() || options["--out"].empty())
        return usage();
    const torch::Device device =
        options["--device"] == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    auto model = loadTransformer(options["--model"], torch::kFloat32, torch::kCPU);
    if (!options["--adapter"].empty())
        loadLoraAdapter(*model, options["--adapter"]);
    model->to(device);
    model->eval();
    torch::NoGradGuard noGrad;
    const std::vector<std::int64_t> ids = parseIds(options["--ids"]);
    const torch::Tensor input = torch::tensor(ids, torch::kInt64).unsqueeze(0).to(device);
    const torch::Tensor logits = model->forward(ForwardInputs(input)).to(torch::kCPU, torch::kFloat32).contiguous();
    writeSafetensors(options["--out"], {{"logits", logits}});
    std::printf("wrote logits %s to %s\n", torch::str(logits.sizes()).c_str(), options["--out"].c_str());
    return 0;
}

int train(const std::string &jobPath)
{
    std::ifstream in(jobPath);
    if (!in)
        throw EngineError("Cannot read " + jobPath);
    const TrainingConfig config = TrainingConfig::fromJson(nlohmann::json::parse(in), jobPath);
    const TrainingResult result = runTraining(config, [](const TrainingProgress &progress) {
        if (progress.phase == TrainingProgress::Phase::Training && progress.loss)
            std::printf("step %lld/%lld loss %.6f\n", static_cast<long long>(progress.step),
                        static_cast<long long>(progress.totalSteps), *progress.loss);
        return true;
    });
    std::printf("output %s\n", result.outputPath.c_str());
    return result.completed ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    restartWithShortThreadSpins(argv);
    if (argc < 2)
        return usage();
    const std::string command = argv[1];
    try {
        if (command == "train")
            return argc == 3 ? train(argv[2]) : usage();
        if (command != "logits")
            return usage();
        std::map<std::string, std::string> options;
        for (int i = 2; i < argc; i += 2) {
            const std::string key = argv[i];
            if (i + 1 >= argc ||
                (key != "--model" && key != "--adapter" && key != "--ids" && key != "--out" && key != "--device"))
                return usage();
            options[key] = argv[i + 1];
        }
        return writeLogits(options);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "engine_probe: %s\n", error.what());
        return 1;
    }
}
