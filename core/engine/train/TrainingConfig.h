// What the trainer runs: the method, the base model folder, the records file, the job folder and every setting,
// typed. The layers above fill it from what the user asked for (the app checks each field by its name there);
// check() refuses what the trainer cannot run. Free of LibTorch, so that the layers above can hold it.
#pragma once

#include "engine/chat/ChatTemplate.h"
#include "engine/train/LoraSettings.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mtm::engine {

// QLoRA: NF4 base + LoRA, on LibTorch's autograd or (qloraFastPath) on the fast path. Lora: plain LoRA on a 16-bit
// base with LibTorch's autograd. FastLora: the fast path (the guide's "Unsloth" method). Full: every weight trained.
enum class TrainingMethod { Qlora, Lora, FastLora, Full };
enum class LearningRateSchedule { Linear, Cosine, Constant };
// How a batch's examples become rows: all in one row without padding (the fast path attends example by example),
// packed into rows of at most max_seq_length (attending through a mask), or one padded row each.
enum class BatchLayout { OnePackedRow, PackedRows, PaddedRows };

// A setting the trainer cannot run with: its name in the job's record and what is wrong ("must be 1 to 1000").
struct SettingProblem
{
    std::string setting;
    std::string problem;
};

struct TrainingConfig
{
    TrainingMethod method = TrainingMethod::Qlora;
    std::string baseModel;       // a model folder
    std::string records;         // a dataset's records.jsonl
    std::string outputDirectory; // the job folder: <method>_model/, checkpoints/

    std::int64_t epochs = 3;
    std::int64_t batchSize = 4;
    std::int64_t gradientAccumulation = 1;
    double learningRate = 2e-4;
    double weightDecay = 0.0;
    LearningRateSchedule schedule = LearningRateSchedule::Linear;
    double warmupRatio = 0.03;
    std::int64_t warmupSteps = -1; // when not negative, used instead of the ratio
    double maxGradNorm = 1.0;
    std::int64_t maxSequenceLength = 512;
    bool trainOnPrompts = false;
    double evalFraction = 0.1;
    std::int64_t evalCount = 0;
    std::int64_t evalEvery = 0; // steps; 0: at the end of each epoch
    std::uint64_t seed = 42;

    LoraSettings lora;      // LoRA methods
    bool baseIn4Bit = true; // the fast path: NF4 (true) or 16-bit (false) base; QLoRA is always NF4
    // QLoRA on the fast path (its kernels over the NF4 base) instead of LibTorch's autograd, the reference.
    bool qloraFastPath = false;
    bool packing = false; // the fast path packs regardless
    // Recomputes each layer's activations in the backward pass: less memory, about a third more compute, the same
    // result. Default: on for the fast path on CUDA (where memory is short), off otherwise.
    std::optional<bool> gradientCheckpointing;
    std::string dtype = "auto";  // compute dtype: auto (bf16 where it is fast), float32, bfloat16
    std::string device = "auto"; // auto, cpu, cuda (the first GPU) or cuda:N

    std::int64_t checkpointEvery = 0; // steps; 0: by time (checkpointMinutes)
    double checkpointMinutes = 10;    // when checkpointEvery is 0: after this much training time; 0: only at the end
    std::int64_t keepCheckpoints = 2;
    std::uint64_t maxShardBytes = 5000000000ULL;
    std::optional<ChatFormat> chatFormat;

    // The settings the trainer cannot run with; check() throws EngineError naming them all.
    std::vector<SettingProblem> problems() const;
    void check() const;
    // The record of the job written beside its output (training_config.json), with the names transformers and
    // PEFT use for these settings.
    nlohmann::json toJson() const;
    // The settings that decide the result: a resumed job must have the same ones.
    nlohmann::json fingerprint() const;

    std::string methodId() const;         // "qlora", "lora", "unsloth", "standard"
    std::string outputFolderName() const; // "qlora_model", "lora_model", "standard_model"
    bool usesLora() const { return method != TrainingMethod::Full; }
    // The CUDA device asked for: -1 for none (auto, cpu), 0 for "cuda", N for "cuda:N"; -2 when not a device.
    int cudaIndex() const;
    bool usesFastPath() const
    {
        return method == TrainingMethod::FastLora || (method == TrainingMethod::Qlora && qloraFastPath);
    }
    // The base's projections are held in NF4: always for QLoRA, and on the fast path when asked (baseIn4Bit).
    bool quantizesBase() const
    {
        return method == TrainingMethod::Qlora || (method == TrainingMethod::FastLora && baseIn4Bit);
    }
    BatchLayout batchLayout() const
    {
        if (usesFastPath())
            return BatchLayout::OnePackedRow;
        return packing ? BatchLayout::PackedRows : BatchLayout::PaddedRows;
    }
    bool checkpointsActivations(bool onCuda) const { return gradientCheckpointing.value_or(usesFastPath() && onCuda); }
};

} // namespace mtm::engine
