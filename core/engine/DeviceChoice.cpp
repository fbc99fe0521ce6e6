#include "engine/DeviceChoice.h"

#include "engine/EngineError.h"
#include "engine/RuntimeInfo.h"

#include <torch/cuda.h>
#include <torch/types.h>

#include <algorithm>

namespace mtm::engine {

int cudaIndexOf(const std::string &device)
{
    if (device == "auto" || device == "cpu")
        return -1;
    if (device == "cuda")
        return 0;
    const std::string prefix = "cuda:";
    const std::string number = device.substr(std::min(device.size(), prefix.size()));
    if (device.compare(0, prefix.size(), prefix) != 0 || number.empty() || number.size() > 3 ||
        number.find_first_not_of("0123456789") != std::string::npos)
        return -2;
    return std::stoi(number);
}

c10::Device resolveDevice(const std::string &device)
{
    const int index = cudaIndexOf(device);
    if (index == -2)
        throw EngineError("The device \"" + device + "\" is not one: auto, cpu, cuda or cuda:N (N: a GPU's number)");
    const bool cuda = torch::cuda::is_available();
    if (index >= 0 && !cuda)
        throw EngineError("CUDA was asked for (device: " + device + "), but no usable CUDA device is present");
    if (index >= int(torch::cuda::device_count()))
        throw EngineError("GPU " + std::to_string(index) + " was asked for (device: " + device +
                          "), but this computer has " + std::to_string(torch::cuda::device_count()));
    if (index >= 0)
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    return device == "auto" && cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

c10::ScalarType fastDtype(const c10::Device &device)
{
    const RuntimeInfo runtime = queryRuntimeInfo();
    if (device.is_cuda()) {
        const bool ampere = !runtime.cudaDevices.empty() && runtime.cudaDevices.front().computeCapabilityMajor >= 8;
        return ampere ? torch::kBFloat16 : torch::kFloat32;
    }
    return runtime.cpuHasBf16 ? torch::kBFloat16 : torch::kFloat32;
}

} // namespace mtm::engine
