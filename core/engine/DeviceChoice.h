// The one reading of a compute-device setting, for training, generation and evaluation alike: "auto" (the first
// GPU when there is one, else the CPU), "cpu", "cuda" (the first GPU) or "cuda:N".
#pragma once

#include <c10/core/ScalarType.h>

#include <string>

namespace c10 {
struct Device;
}

namespace mtm::engine {

// The GPU a name asks for: -1 for "auto" and "cpu", -2 for a name that is none of the above, else N.
int cudaIndexOf(const std::string &device);

// The device to use; EngineError naming the setting for an unknown name, for a GPU where there is none, and
// for a GPU number beyond those present.
c10::Device resolveDevice(const std::string &device);

// The dtype that computes fastest on a device without losing what training and embedding need: bfloat16 on a
// CPU with native bf16 products (AVX-512 BF16 or AMX) and on an Ampere or later GPU, float32 elsewhere.
c10::ScalarType fastDtype(const c10::Device &device);

} // namespace mtm::engine
