#include "engine/train/AdamW.h"

#include "engine/EngineError.h"

#include <torch/torch.h>

#include <cmath>

namespace mtm::engine {

AdamW::AdamW(std::vector<TrainableParameter> parameters, const Options &options)
    : m_options(options)
{
    torch::NoGradGuard noGrad;
    for (TrainableParameter &parameter : parameters) {
        Slot slot;
        slot.parameter = std::move(parameter);
        const torch::Tensor &value = slot.parameter.value;
        if (value.scalar_type() != torch::kFloat32 && value.scalar_type() != torch::kFloat64)
            slot.master = value.detach().to(torch::kFloat32).clone();
        m_slots.push_back(std::move(slot));
    }
}

torch::Tensor AdamW::Slot::currentGradient() const
{
    return master.defined() ? gradient : parameter.value.grad();
}

void AdamW::gatherGradients()
{
    torch::NoGradGuard noGrad;
    for (Slot &slot : m_slots) {
        if (!slot.master.defined() || !slot.parameter.value.grad().defined())
            continue;
        const torch::Tensor wide = slot.parameter.value.grad().to(torch::kFloat32);
        if (slot.gradient.defined())
            slot.gradient.add_(wide);
        else
            slot.gradient = wide.clone();
        slot.parameter.value.mutable_grad() = torch::Tensor();
    }
}

double AdamW::clipGradients(double maxNorm)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> norms;
    for (const Slot &slot : m_slots) {
        const torch::Tensor gradient = slot.currentGradient();
        if (gradient.defined())
            norms.push_back(gradient.norm(2).to(torch::kFloat64));
    }
    if (norms.empty())
        return 0.0;
    const double total = torch::stack(norms).norm(2).item<double>();
    const double coefficient = maxNorm / (total + 1e-6);
    if (maxNorm > 0 && coefficient < 1.0) {
        for (const Slot &slot : m_slots) {
            torch::Tensor gradient = slot.currentGradient();
            if (gradient.defined())
                gradient.mul_(coefficient);
        }
    }
    return total;
}

void AdamW::step(double learningRate)
{
    torch::NoGradGuard noGrad;
    ++m_steps;
    const double correction1 = 1.0 - std::pow(m_options.beta1, double(m_steps));
    const double correction2 = 1.0 - std::pow(m_options.beta2, double(m_steps));
    for (Slot &slot : m_slots) {
        const torch::Tensor gradient = slot.currentGradient();
        if (!gradient.defined())
            continue;
        torch::Tensor &weight = slot.fullPrecision();
        if (!slot.expAvg.defined()) {
            slot.expAvg = torch::zeros_like(weight);
            slot.expAvgSq = torch::zeros_like(weight);
        }
        if (slot.parameter.decay && m_options.weightDecay > 0)
            weight.mul_(1.0 - learningRate * m_options.weightDecay);
        slot.expAvg.mul_(m_options.beta1).add_(gradient, 1.0 - m_options.beta1);
        slot.expAvgSq.mul_(m_options.beta2).addcmul_(gradient, gradient, 1.0 - m_options.beta2);
        const torch::Tensor denominator = (slot.expAvgSq.sqrt() / std::sqrt(correction2)).add_(m_options.epsilon);
        weight.addcdiv_(slot.expAvg, denominator, -learningRate / correction1);
        if (slot.master.defined()) {
            slot.parameter.value.copy_(slot.master);
            slot.gradient = torch::Tensor();
        } else {
            slot.parameter.value.mutable_grad() = torch::Tensor();
        }
    }
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::weights() const
{
    std::vector<std::pair<std::string, torch::Tensor>> list;
    for (const Slot &slot : m_slots)
        list.emplace_back(slot.parameter.name, slot.master.defined() ? slot.master : slot.parameter.value.detach());
    return list;
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::moments() const
{
    std::vector<std::pair<std::string, torch::Tensor>> list;
    for (const Slot &slot : m_slots) {
        if (!slot.expAvg.defined())
            continue;
        list.emplace_back("exp_avg." + slot.parameter.name, slot.expAvg);
        list.emplace_back("exp_avg_sq." + slot.parameter.name, slot.expAvgSq);
    }
    return list;
}

void AdamW::restore(const std::map<std::string, torch::Tensor> &weights,
                    const std::map<std::string, torch::Tensor> &moments, std::int64_t steps)
{
    torch::NoGradGuard noGrad;
    const auto take = [](const std::map<std::string, torch::Tensor> &from, const std::string &name,
                         const torch::Tensor &like) {
        const auto found = from.find(name);
        if (found == from.end())
            throw EngineError("the checkpoint has no tensor '" + name + "'");
        if (found->second.sizes() != like.sizes())
            throw EngineError("the checkpoint's '" + name + "' has the shape " + c10::str(found->second.sizes()) +
                              " but the model needs " + c10::str(like.sizes()));
        return found->second.to(like.device(), like.scalar_type());
    };
    for (Slot &slot : m_slots) {
        torch::Tensor &weight = slot.fullPrecision();
        weight.copy_(take(weights, slot.parameter.name, weight));
        if (slot.master.defined())
            slot.parameter.value.copy_(slot.master);
        if (moments.count("exp_avg." + slot.parameter.name)) {
            slot.expAvg = take(moments, "exp_avg." + slot.parameter.name, weight).clone();
            slot.expAvgSq = take(moments, "exp_avg_sq." + slot.parameter.name, weight).clone();
        } else {
            slot.expAvg = slot.expAvgSq = torch::Tensor();
        }
        slot.gradient = torch::Tensor();
        slot.parameter.value.mutable_grad() = torch::Tensor();
    }
    m_steps = steps;
}

} // namespace mtm::engine
