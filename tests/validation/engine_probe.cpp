// The engine as a small program for comparisons with other implementations (tests/validation/
// compare_with_transformers.py runs it beside transformers and PEFT on a CUDA machine):
//   engine_probe logits --model DIR [--adapter DIR] --ids 1,2,3 --out FILE [--device cpu|cuda]
//       the logits of the model (with a PEFT LoRA adapter applied, unmerged) for one sequence, in float32,
//       written to FILE as safetensors ("logits": [1, tokens, vocabulary]);
//   engine_probe train --method qlora|lora|fast-lora|full --model DIR --records FILE --out DIR [--device cpu|cuda]
//       trains on a records.jsonl with the settings of the comparison (2 epochs, batch 4, learning rate 5e-3,
//       LoRA r 8 and alpha 16, 4 held-out examples, seed 3, float32; the fast path on a 16-bit base) into the job
//       folder DIR, prints the loss of each step and, last, "output PATH".
// Exit status 0 on success, 1 with a message on failure, 2 for bad usage. Needs no Qt.
#include "engine/ComputeEnvironment.h"
#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/Lora.h"
#include "engine/train/Trainer.h"

#include <torch/torch.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace mtm::engine;

int usage()
{
    std::fprintf(stderr,
                 "Usage: engine_probe logits --model DIR [--adapter DIR] --ids 1,2,3 --out FILE "
                 "[--device cpu|cuda]\n       engine_probe train --method qlora|lora|fast-lora|full --model DIR "
                 "--records FILE --out DIR [--device cpu|cuda]\n");
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

int train(std::map<std::string, std::string> options)
{
    if (options["--model"].empty() || options["--records"].empty() || options["--out"].empty())
        return usage();
    const std::map<std::string, TrainingMethod> methods = {{"qlora", TrainingMethod::Qlora},
                                                           {"lora", TrainingMethod::Lora},
                                                           {"fast-lora", TrainingMethod::FastLora},
                                                           {"full", TrainingMethod::Full}};
    const auto method = methods.find(options["--method"]);
    if (method == methods.end())
        return usage();
    TrainingConfig config;
    config.method = method->second;
    config.baseModel = options["--model"];
    config.records = options["--records"];
    config.outputDirectory = options["--out"];
    config.epochs = 2;
    config.batchSize = 4;
    config.learningRate = 0.005;
    config.lora.rank = 8;
    config.lora.alpha = 16;
    config.lora.dropout = config.usesFastPath() ? 0.0 : config.lora.dropout;
    config.baseIn4Bit = false; // the fast path on a 16-bit base; QLoRA is NF4 regardless
    config.evalCount = 4;
    config.seed = 3;
    config.dtype = "float32";
    config.device = options["--device"].empty() ? "auto" : options["--device"];
    const TrainingResult result = runTraining(config, [](const TrainingProgress &progress) {
        if (progress.phase == TrainingProgress::Phase::Training && progress.loss)
            std::printf("step %lld/%lld loss %.6f\n", static_cast<long long>(progress.step),
                        static_cast<long long>(progress.totalSteps), *progress.loss);
        return true;
    });
    std::printf("output %s\n", result.outputPath.c_str());
    return 0;
}

// --key value pairs, each key one of `known`; nothing when the command line is wrong.
std::optional<std::map<std::string, std::string>> readOptions(int argc, char **argv, const std::set<std::string> &known)
{
    std::map<std::string, std::string> options;
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc || known.count(argv[i]) == 0)
            return std::nullopt;
        options[argv[i]] = argv[i + 1];
    }
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    restartWithComputeSettings(argv);
    if (argc < 2)
        return usage();
    const std::string command = argv[1];
    try {
        if (command == "train") {
            const auto options = readOptions(argc, argv, {"--method", "--model", "--records", "--out", "--device"});
            return options ? train(*options) : usage();
        }
        if (command == "logits") {
            const auto options = readOptions(argc, argv, {"--model", "--adapter", "--ids", "--out", "--device"});
            return options ? writeLogits(*options) : usage();
        }
        return usage();
    } catch (const std::exception &error) {
        std::fprintf(stderr, "engine_probe: %s\n", error.what());
        return 1;
    }
}
