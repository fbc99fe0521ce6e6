// The settings of LoRA adapters: rank, alpha, dropout, rsLoRA scaling and the projections they attach to.
// Free of LibTorch, so that the layers above the engine can hold them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::engine {

struct LoraSettings
{
    std::int64_t rank = 16;
    double alpha = 32;
    double dropout = 0.05;
    bool rsLora = false; // scaling alpha / sqrt(r) instead of alpha / r
    std::vector<std::string> targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

    double scaling() const;
};

} // namespace mtm::engine
