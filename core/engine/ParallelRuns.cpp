#include "engine/ParallelRuns.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mtm::engine {

void parallelRuns(std::int64_t count, std::int64_t grain, const std::function<void(std::int64_t, std::int64_t)> &work)
{
    if (count <= 0)
        return;
    const std::int64_t runs = std::max<std::int64_t>(
        1, std::min<std::int64_t>(at::get_num_threads(), count / std::max<std::int64_t>(1, grain)));
    const std::int64_t length = (count + runs - 1) / runs;
    std::exception_ptr failure;
    std::mutex failureLock;
    const auto run = [&](std::int64_t index) {
        try {
            work(index * length, std::min(count, (index + 1) * length));
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failureLock);
            if (!failure)
                failure = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (std::int64_t index = 1; index < runs && index * length < count; ++index)
        threads.emplace_back(run, index);
    run(0);
    for (std::thread &thread : threads)
        thread.join();
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace mtm::engine
