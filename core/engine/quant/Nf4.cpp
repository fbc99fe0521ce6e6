#include "engine/quant/Nf4.h"

#include "engine/EngineError.h"

#include <torch/torch.h>

namespace mtm::engine {
namespace {

// Signed 8-bit codes for the block scales: symmetric, the largest magnitude of each block of 256 maps to 127.
constexpr float kScaleLevels = 127.0f;

} // namespace

const std::array<float, 16> &nf4Codebook()
{
    static const std::array<float, 16> codes = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
        0.7229568362236023f, 1.0f};
    return codes;
}

std::int64_t Nf4Tensor::numel() const
{
    std::int64_t count = 1;
    for (const std::int64_t size : shape)
        count *= size;
    return count;
}

std::int64_t Nf4Tensor::bytes() const
{
    return codes.numel() + scaleCodes.numel() + scaleFactors.numel() * 4 + 4;
}

Nf4Tensor quantizeNf4(const torch::Tensor &weight)
{
    if (weight.numel() % Nf4Tensor::kBlock != 0)
        throw EngineError("NF4 needs a multiple of 64 weights, not " + std::to_string(weight.numel()));
    torch::NoGradGuard noGrad;
    const torch::Tensor values = weight.detach().to(torch::kFloat32).reshape({-1, Nf4Tensor::kBlock});
    const torch::Tensor absmax = values.abs().amax(1);
    const torch::Tensor normalized = values / absmax.clamp_min(1e-12).unsqueeze(1);
    // The nearest code: codes are sorted, so compare with the midpoints between neighbours.
    const auto &book = nf4Codebook();
    std::vector<float> midpoints;
    for (std::size_t i = 0; i + 1 < book.size(); ++i)
        midpoints.push_back((book[i] + book[i + 1]) / 2.0f);
    const torch::Tensor bounds = torch::tensor(midpoints, torch::dtype(torch::kFloat32).device(weight.device()));
    const torch::Tensor index = torch::bucketize(normalized, bounds).to(torch::kUInt8).reshape({-1, 2});
    Nf4Tensor result;
    result.shape = weight.sizes().vec();
    result.codes = (index.select(1, 0).bitwise_left_shift(4)).bitwise_or(index.select(1, 1)).contiguous();

    // Double quantisation of the block scales.
    result.scaleMean = absmax.mean().item<float>();
    const std::int64_t blocks = absmax.numel();
    const std::int64_t groups = (blocks + Nf4Tensor::kScaleBlock - 1) / Nf4Tensor::kScaleBlock;
    torch::Tensor centered = torch::zeros({groups * Nf4Tensor::kScaleBlock}, absmax.options());
    centered.narrow(0, 0, blocks).copy_(absmax - result.scaleMean);
    centered = centered.view({groups, Nf4Tensor::kScaleBlock});
    result.scaleFactors = centered.abs().amax(1).clamp_min(1e-12) / kScaleLevels;
    result.scaleCodes = (centered / result.scaleFactors.unsqueeze(1))
                            .round()
                            .clamp(-kScaleLevels, kScaleLevels)
                            .to(torch::kInt8)
                            .view(-1)
                            .narrow(0, 0, blocks)
                            .contiguous()
                            .view(torch::kUInt8);
    return result;
}

torch::Tensor nf4BlockScales(const Nf4Tensor &tensor)
{
    const std::int64_t blocks = tensor.scaleCodes.numel();
    const torch::Tensor codes = tensor.scaleCodes.view(torch::kInt8).to(torch::kFloat32);
    const torch::Tensor factors =
        tensor.scaleFactors.repeat_interleave(Nf4Tensor::kScaleBlock).narrow(0, 0, blocks);
    return codes * factors + tensor.scaleMean;
}

torch::Tensor dequantizeNf4(const Nf4Tensor &tensor, torch::Dtype dtype)
{
    const auto &book = nf4Codebook();
    const torch::Tensor table =
        torch::tensor(std::vector<float>(book.begin(), book.end()), torch::dtype(torch::kFloat32).device(tensor.codes.device()));
    const torch::Tensor high = tensor.codes.bitwise_right_shift(4).to(torch::kInt64);
    const torch::Tensor low = tensor.codes.bitwise_and(15).to(torch::kInt64);
    const torch::Tensor index = torch::stack({high, low}, 1).view({-1, Nf4Tensor::kBlock});
    const torch::Tensor values = table.index({index}) * nf4BlockScales(tensor).unsqueeze(1);
    return values.view(tensor.shape).to(dtype);
}

} // namespace mtm::engine
