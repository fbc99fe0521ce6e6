#include "engine/MatmulRate.h"

#include <chrono>
#include <map>
#include <mutex>
#include <utility>

namespace mtm::engine {
namespace {

double measure(torch::Dtype dtype, double seconds)
{
    torch::NoGradGuard noGradients;
    const std::int64_t rows = 2048, inner = 768, columns = 2048;
    const torch::Tensor a = torch::randn({rows, inner}).to(dtype), b = torch::randn({inner, columns}).to(dtype);
    torch::matmul(a, b); // the kernel is made and the memory touched before the clock starts
    const auto start = std::chrono::steady_clock::now();
    int runs = 0;
    double elapsed = 0;
    while (elapsed < seconds) {
        torch::matmul(a, b);
        ++runs;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return 2.0 * double(rows * inner * columns) * runs / elapsed;
}

} // namespace

double cpuMatmulRate(torch::Dtype dtype)
{
    static std::mutex mutex;
    static std::map<std::pair<torch::Dtype, int>, double> measured;
    const std::lock_guard<std::mutex> lock(mutex);
    double &rate = measured[{dtype, at::get_num_threads()}];
    if (rate == 0)
        rate = measure(dtype, 0.25);
    return rate;
}

} // namespace mtm::engine
