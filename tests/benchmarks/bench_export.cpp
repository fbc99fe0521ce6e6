// Benchmark: GGUF export of the ~100M-parameter Llama (random weights, stored in bfloat16 as most checkpoints
// are) to every file type, on one thread and on all: time, throughput and the peak memory the export adds
// (resident, file pages of the mapped checkpoint included), beside the model's size in float32. Asserts nothing.
// Run: build/tests/bench_export
#include "BenchmarkModels.h"
#include "engine/ComputeEnvironment.h"
#include "engine/MemoryUsage.h"
#include "engine/RuntimeInfo.h"
#include "engine/export/GgufExport.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/Transformer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace mtm::engine;
namespace fs = std::filesystem;

int main(int, char **argv)
{
    restartWithComputeSettings(argv);
    const fs::path folder = fs::temp_directory_path() / ("mtm-bench-export-" + std::to_string(::getpid()));
    const fs::path model = folder / "llama-100m";
    const ModelConfig config = mtm::bench::llama100m();
    {
        Transformer transformer(config);
        transformer.initializeRandomly(1);
        saveTransformer(transformer, model.string(), torch::kBFloat16);
    }
    for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
        fs::copy_file(fs::path(MTM_SOURCE_DIR "/resources/starter-model") / name, model / name);
    const double parameters = double(config.parameterCount());
    const double float32Mib = parameters * 4 / double(1 << 20);
    std::printf("llama-100m: %.1f M parameters, %.0f MiB in float32, stored in bfloat16 (%.0f MiB)\n", parameters / 1e6,
                float32Mib, double(fs::file_size(model / "model.safetensors")) / double(1 << 20));
    std::printf("%-7s %7s %9s %10s %12s %14s %16s\n", "type", "threads", "seconds", "file MiB", "written MB/s",
                "M params/s", "peak added MiB");
    for (const int threads : {1, 0}) {
        setCpuThreads(threads);
        for (const GgufFileType type : {GgufFileType::F32, GgufFileType::F16, GgufFileType::BF16, GgufFileType::Q8_0,
                                        GgufFileType::Q5_K_M, GgufFileType::Q4_K_M}) {
            const fs::path gguf = folder / (ggufFileTypeName(type) + ".gguf");
            resetPeakResident();
            const std::uint64_t before = residentBytes();
            const auto start = std::chrono::steady_clock::now();
            exportGguf(model.string(), gguf.string(), type);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double size = double(fs::file_size(gguf));
            std::printf("%-7s %7d %9.2f %10.1f %12.1f %14.1f %16.1f\n", ggufFileTypeName(type).c_str(),
                        at::get_num_threads(), seconds, size / double(1 << 20), size / 1e6 / seconds,
                        parameters / 1e6 / seconds, double(peakResidentBytes() - before) / double(1 << 20));
            fs::remove(gguf);
        }
    }
    fs::remove_all(folder);
    return 0;
}
