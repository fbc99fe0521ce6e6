#include "engine/train/TrainingPass.h"

#include "engine/train/FastKernels.h"
#include "engine/train/FastLayer.h"

#include <torch/torch.h>

namespace mtm::engine {
namespace {

struct Inputs
{
    torch::Tensor ids, targets, cos, sin, mask;
    const std::vector<std::vector<std::int64_t>> *segmentLengths = nullptr;
    std::optional<std::int64_t> slidingWindow;
};

Inputs prepare(Transformer &model, const Batch &batch, bool fastKernels)
{
    const torch::Device device = model.device();
    Inputs inputs;
    inputs.ids = batch.ids.to(device);
    inputs.targets = batch.targets.to(device);
    std::tie(inputs.cos, inputs.sin) = model.rotaryTables(batch.positions.to(device));
    inputs.segmentLengths = &batch.segmentLengths;
    inputs.slidingWindow = model.config().slidingWindow;
    const bool packed = !batch.segmentLengths.empty();
    if (packed && fastKernels)
        return inputs; // attention runs example by example, within the window
    if (packed)
        inputs.mask = packedAttentionMask(batch).to(device);
    // Mistral's sliding window: a token sees at most `window` positions back (within its example when packed).
    const std::int64_t length = batch.ids.size(1);
    if (inputs.slidingWindow && length > *inputs.slidingWindow) {
        const torch::Tensor windowed = causalMask(length, 0, inputs.slidingWindow, device);
        inputs.mask = inputs.mask.defined() ? inputs.mask.logical_and(windowed) : windowed;
    }
    return inputs;
}

torch::Tensor layerForward(Transformer &model, std::size_t index, const torch::Tensor &x, const Inputs &inputs,
                           bool fastKernels)
{
    DecoderLayer &layer = *model.model->layers[index];
    return fastKernels ? fastDecoderLayer(layer, x, inputs.cos, inputs.sin, inputs.mask, inputs.segmentLengths,
                                          inputs.slidingWindow)
                       : layer.forward(x, inputs.cos, inputs.sin, inputs.mask, nullptr, index);
}

torch::Tensor summedLoss(Transformer &model, const torch::Tensor &top, const Inputs &inputs, bool fastKernels)
{
    const torch::Tensor hidden = fastKernels ? fast::rmsNorm(top, model.model->norm->weight, model.model->norm->eps)
                                             : model.model->norm->forward(top);
    const torch::Tensor targets = inputs.targets.reshape({-1});
    if (fastKernels) {
        const torch::Tensor &head = model.lm_head ? model.lm_head->weight : model.model->embed_tokens->weight;
        return fast::chunkedCrossEntropy(hidden.reshape({-1, hidden.size(-1)}), head, targets);
    }
    torch::Tensor logits = model.logits(hidden);
    if (logits.scalar_type() != torch::kFloat64)
        logits = logits.to(torch::kFloat32); // the loss in at least single precision
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), targets,
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kSum));
}

} // namespace

double trainOnBatch(Transformer &model, const Batch &batch, double lossScale, const PassOptions &options)
{
    const Inputs inputs = prepare(model, batch, options.fastKernels);
    const std::size_t layers = model.model->layers.size();
    if (!options.checkpointActivations) {
        torch::Tensor x = model.model->embed_tokens->forward(inputs.ids);
        for (std::size_t i = 0; i < layers; ++i)
            x = layerForward(model, i, x, inputs, options.fastKernels);
        const torch::Tensor loss = summedLoss(model, x, inputs, options.fastKernels);
        (loss * lossScale).backward();
        return loss.item<double>();
    }

    // Forward without a graph, keeping each layer's input and the dropout generator's state before it.
    std::vector<torch::Tensor> layerInputs;
    std::vector<torch::Tensor> randomStates;
    {
        torch::NoGradGuard noGrad;
        torch::Tensor x = model.model->embed_tokens->forward(inputs.ids);
        for (std::size_t i = 0; i < layers; ++i) {
            layerInputs.push_back(x);
            if (options.dropoutSource)
                randomStates.push_back(options.dropoutSource->get_state());
            x = layerForward(model, i, x, inputs, options.fastKernels);
        }
        layerInputs.push_back(x);
    }
    const torch::Tensor stateAfterForward = options.dropoutSource ? options.dropoutSource->get_state() : torch::Tensor();

    torch::Tensor top = layerInputs.back().detach().requires_grad_(true);
    const torch::Tensor loss = summedLoss(model, top, inputs, options.fastKernels);
    (loss * lossScale).backward();
    torch::Tensor gradient = top.grad();

    // Backward layer by layer from the top, recomputing each layer with the dropout it saw.
    for (std::size_t i = layers; i-- > 0;) {
        if (options.dropoutSource)
            options.dropoutSource->set_state(randomStates[i]);
        torch::Tensor input = layerInputs[i].detach().requires_grad_(true);
        layerForward(model, i, input, inputs, options.fastKernels).backward(gradient);
        gradient = input.grad();
        layerInputs[i + 1] = torch::Tensor(); // free what is no longer needed
    }
    if (options.dropoutSource)
        options.dropoutSource->set_state(stateAfterForward);
    if (model.model->embed_tokens->weight.requires_grad())
        model.model->embed_tokens->forward(inputs.ids).backward(gradient);
    return loss.item<double>();
}

double evaluateBatch(Transformer &model, const Batch &batch, const PassOptions &options)
{
    torch::NoGradGuard noGrad;
    const Inputs inputs = prepare(model, batch, options.fastKernels);
    torch::Tensor x = model.model->embed_tokens->forward(inputs.ids);
    for (std::size_t i = 0; i < model.model->layers.size(); ++i)
        x = layerForward(model, i, x, inputs, options.fastKernels);
    return summedLoss(model, x, inputs, options.fastKernels).item<double>();
}

} // namespace mtm::engine
