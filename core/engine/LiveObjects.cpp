#include "engine/LiveObjects.h"

namespace mtm::engine {
namespace detail {

std::atomic<int> &transformerCount()
{
    static std::atomic<int> count{0};
    return count;
}

std::atomic<int> &optimizerCount()
{
    static std::atomic<int> count{0};
    return count;
}

} // namespace detail

int liveTransformers()
{
    return detail::transformerCount();
}

int liveOptimizers()
{
    return detail::optimizerCount();
}

} // namespace mtm::engine
