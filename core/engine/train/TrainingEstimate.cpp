#include "engine/train/TrainingEstimate.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace mtm::engine {
namespace {

// LibTorch's runtime on the CPU during training: its threads' buffers and oneDNN's cache of compiled kernels
// (ComputeEnvironment.h bounds it), measured by bench_training on the starter model.
const double kCpuRuntimeBytes = 128.0 * 1024 * 1024;

// The widths the layers' tensors have, per position.
struct Widths
{
    double hidden, query, keyValue, intermediate;
    double attended; // keys and values as attention uses them: repeated to every query head when grouped
};

Widths widthsOf(const ModelConfig &model)
{
    Widths w;
    w.hidden = double(model.hiddenSize);
    w.query = double(model.heads * model.headDim);
    w.keyValue = double(model.kvHeads * model.headDim);
    w.intermediate = double(model.intermediateSize);
    w.attended = model.kvHeads < model.heads ? w.query : w.keyValue;
    return w;
}

// The weights of the decoder layers' projections (what NF4 quantises and LoRA adapts).
double projectionWeights(const ModelConfig &model)
{
    const Widths w = widthsOf(model);
    return double(model.layers) * (2 * w.hidden * w.query + 2 * w.hidden * w.keyValue + 3 * w.hidden * w.intermediate);
}

double loraWeights(const ModelConfig &model, const LoraSettings &lora)
{
    const Widths w = widthsOf(model);
    double perLayer = 0;
    for (const std::string &target : lora.targets) {
        if (target == "q_proj" || target == "o_proj")
            perLayer += w.hidden + w.query;
        else if (target == "k_proj" || target == "v_proj")
            perLayer += w.hidden + w.keyValue;
        else if (target == "gate_proj" || target == "up_proj" || target == "down_proj")
            perLayer += w.hidden + w.intermediate;
    }
    return double(model.layers) * double(lora.rank) * perLayer;
}

// Bytes one layer keeps per position for its backward pass. The fast path's kernels keep the layer's input, the
// two normalised inputs, the rotated queries, the keys and values, the attention's output and the MLP's gate and
// up products. LibTorch's autograd keeps, besides, the float32 copies RMSNorm makes, the normalised values before
// the weight, the MLP's activation and product, and, with dropout, each adapter's dropped-out input and mask.
double keptPerPosition(const Widths &w, const TrainingConfig &config, double bytes)
{
    if (config.usesFastPath())
        return bytes * (4 * w.hidden + 2 * w.query + 2 * w.attended + 2 * w.intermediate);
    const double floatCopy = bytes < 4 ? 4.0 : 0.0;
    double kept = 2 * (3 * bytes + floatCopy) * w.hidden + bytes * (2 * w.query + 2 * w.attended + 4 * w.intermediate);
    if (config.usesLora()) {
        kept += bytes * double(config.lora.rank) * double(config.lora.targets.size());
        if (config.lora.dropout > 0)
            kept += (bytes + 1) * (5 * w.hidden + w.query + w.intermediate);
    }
    return kept;
}

// Matrix-product FLOPs of one position's forward pass: the layers' projections and the output head.
double forwardProductFlops(const ModelConfig &model)
{
    return 2 * (projectionWeights(model) + double(model.vocabSize) * double(model.hiddenSize));
}

// Attention's FLOPs forward per query-key pair, over every layer: q·kᵀ and the weighted sum of v.
double attentionFlopsPerPair(const ModelConfig &model)
{
    return double(model.layers) * 4.0 * double(model.heads) * double(model.headDim);
}

} // namespace

double forwardFlops(const ModelConfig &model, double tokens, double causalPairs)
{
    return tokens * forwardProductFlops(model) + causalPairs * attentionFlopsPerPair(model);
}

double trainingFlops(const ModelConfig &model, const TrainingConfig &config, double tokens, double causalPairs)
{
    const double attention = 3 * causalPairs * attentionFlopsPerPair(model);
    if (!config.usesLora())
        return 3 * tokens * forwardProductFlops(model) + attention;
    return 2 * tokens * forwardProductFlops(model) + attention + 3 * tokens * 2 * loraWeights(model, config.lora);
}

double estimateCpuSeconds(const ModelConfig &model, const TrainingConfig &config, double flops, double matmulRate)
{
    // The share of the matrix-product rate each path reached on the 100 M benchmark model (docs/benchmarks.md).
    double efficiency = 0.17; // all weights
    if (config.usesFastPath()) {
        efficiency = config.checkpointsActivations(false) ? 0.17 : config.quantizesBase() ? 0.19 : 0.22;
    } else {
        if (config.usesLora())
            efficiency = config.method == TrainingMethod::Qlora ? 0.13 : 0.14;
        if (config.checkpointsActivations(false))
            efficiency *= 0.75; // every layer's forward pass again
    }
    // Small matrices keep the cores less busy, whatever the path: every path reached about 6 % on the starter model
    // (hidden size 256).
    efficiency = std::min(efficiency, 0.22 * std::pow(double(model.hiddenSize) / 768.0, 1.1));
    return flops / (matmulRate * efficiency);
}

TrainingMemory estimateTrainingMemory(const ModelConfig &model, const TrainingConfig &config, int dtypeBytes,
                                      bool onCuda, const BatchFootprint &batch)
{
    const double bytes = dtypeBytes, narrow = dtypeBytes < 4;
    const Widths w = widthsOf(model);
    const double parameters = double(model.parameterCount());
    const double projections = projectionWeights(model);
    const bool quantized = config.quantizesBase();
    const double positions = double(batch.positions), layers = double(model.layers);

    TrainingMemory memory;
    // NF4: half a byte a weight, one byte per block of 64 for its scale, a float32 per 256 blocks.
    const double nf4 = 0.5 + 1.0 / 64 + 4.0 / (64 * 256);
    memory.weights =
        std::uint64_t(quantized ? projections * nf4 + (parameters - projections) * bytes : parameters * bytes);
    memory.loading = std::uint64_t(parameters * bytes);

    // Per trained weight: its gradient, a float32 master copy (when it computes in 16 bits) and AdamW's two
    // moments; with gradient accumulation, the float32 sum of the gradients too. LoRA weights are held besides.
    const double trained = config.usesLora() ? loraWeights(model, config.lora) : parameters;
    const double perTrained =
        bytes + narrow * 4 + 8 + (config.gradientAccumulation > 1 ? 4 : 0) + (config.usesLora() ? bytes : 0);
    memory.optimizer = std::uint64_t(trained * perTrained);

    // Attention keeps its probabilities in float32, and a 16-bit copy for the product with the values.
    const double perPair = double(model.heads) * (4 + narrow * bytes);
    const double layerKeeps = positions * keptPerPosition(w, config, bytes) + double(batch.attentionPairs) * perPair;
    double activations = config.checkpointsActivations(onCuda)
                             ? layers * positions * bytes * w.hidden + 2 * layerKeeps // inputs; one layer recomputed
                             : (layers + 1) * layerKeeps; // every layer, and the gradients of one
    // LibTorch's autograd keeps the 16-bit weight it computes each NF4 projection with.
    if (quantized && !config.usesFastPath())
        activations += projections * bytes;
    memory.activations = std::uint64_t(activations);

    // The fast path computes the loss and its gradient in float32 chunks of up to 1024 learned positions; autograd
    // makes the logits of every position, in 16 bits and float32, their log-softmax and gradients.
    const double vocabulary = double(model.vocabSize);
    if (config.usesFastPath())
        memory.loss = std::uint64_t(double(std::min<std::int64_t>(batch.targets, 1024)) * vocabulary * (4 + bytes) +
                                    2 * positions * w.hidden * bytes);
    else
        memory.loss = std::uint64_t(positions * vocabulary * (bytes + 12));

    // A step frees its tensors and makes others of other sizes at the next; the allocator reuses the freed blocks
    // only in part (the C library's heap on the CPU, LibTorch's caching allocator on CUDA). Measured by
    // bench_training: a fifth of the step's memory more on the fast path, whose buffers keep their sizes, two
    // fifths under autograd. On the CPU, LibTorch's runtime besides: its threads' buffers and oneDNN's cache of
    // compiled kernels, bounded (ComputeEnvironment.h).
    const double fragmentation = config.usesFastPath() ? 0.2 : 0.4;
    memory.overhead =
        std::uint64_t(fragmentation * double(memory.activations + memory.loss) + (onCuda ? 0.0 : kCpuRuntimeBytes));
    return memory;
}

} // namespace mtm::engine
