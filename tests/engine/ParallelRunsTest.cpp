// parallelRuns: every item once, on several threads when there are several, and a run's exception rethrown.
#include "engine/ParallelRuns.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mtm::engine {
namespace {

TEST(ParallelRuns, CoversEveryItemOnceInRunsOfAtLeastTheGrain)
{
    const int threads = at::get_num_threads();
    at::set_num_threads(4);
    for (const std::int64_t count : {0, 1, 7, 100, 1001}) {
        std::vector<std::atomic<int>> seen(static_cast<std::size_t>(count));
        std::mutex lock;
        std::set<std::thread::id> workers;
        std::vector<std::int64_t> lengths;
        parallelRuns(count, 10, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i)
                ++seen[std::size_t(i)];
            const std::lock_guard<std::mutex> guard(lock);
            workers.insert(std::this_thread::get_id());
            lengths.push_back(end - begin);
        });
        for (const auto &times : seen)
            EXPECT_EQ(times.load(), 1) << count;
        if (count >= 40) {
            EXPECT_EQ(workers.size(), 4u) << count;
        }
        for (const std::int64_t length : lengths)
            EXPECT_GE(length, std::min<std::int64_t>(count, 10)) << count;
    }
    EXPECT_THROW(parallelRuns(100, 1,
                              [](std::int64_t begin, std::int64_t) {
                                  if (begin > 0)
                                      throw std::runtime_error("a run failed");
                              }),
                 std::runtime_error);
    at::set_num_threads(threads);
}

} // namespace
} // namespace mtm::engine
