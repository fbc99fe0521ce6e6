// Tiny random models of each supported family, for the engine's tests.
#pragma once

#include "engine/model/ModelConfig.h"
#include "engine/model/Transformer.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace mtm::test {

inline engine::ModelConfig tinyConfig(engine::ModelFamily family)
{
    engine::ModelConfig config;
    config.family = family;
    config.vocabSize = 61;
    config.hiddenSize = 32;
    config.intermediateSize = 48;
    config.layers = 2;
    config.heads = 4;
    config.kvHeads = 2;
    config.headDim = 8;
    config.maxPositions = 128;
    config.rmsNormEps = 1e-5;
    config.ropeTheta = 500.0;
    if (family == engine::ModelFamily::Qwen2)
        config.attentionBias = true;
    if (family == engine::ModelFamily::Mistral)
        config.slidingWindow = 3;
    return config;
}

// A model whose weights are large enough to make every part of the computation matter.
inline std::shared_ptr<engine::Transformer> tinyModel(const engine::ModelConfig &config, std::uint64_t seed = 1)
{
    auto model = std::make_shared<engine::Transformer>(config);
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    for (auto &parameter : model->named_parameters()) {
        torch::Tensor &value = parameter.value();
        if (parameter.key().find("norm") != std::string::npos)
            value.copy_(1.0 + 0.1 * torch::randn(value.sizes()));
        else if (parameter.key().find(".bias") != std::string::npos)
            value.copy_(0.1 * torch::randn(value.sizes()));
        else
            value.copy_(0.3 * torch::randn(value.sizes()));
    }
    return model;
}

} // namespace mtm::test
