// How many models and optimisers exist in the process right now: the memory a cancelled or finished job held
// is free only when these are back to what they were. Free of LibTorch, for the layers above and their tests.
#pragma once

#include <atomic>

namespace mtm::engine {

int liveTransformers(); // engine::Transformer instances
int liveOptimizers();   // engine::AdamW instances

namespace detail {

std::atomic<int> &transformerCount();
std::atomic<int> &optimizerCount();

// A member that counts the instances of the class that holds it, copies included.
class LiveCounter
{
public:
    explicit LiveCounter(std::atomic<int> &count)
        : m_count(count)
    {
        ++m_count;
    }
    LiveCounter(const LiveCounter &other)
        : m_count(other.m_count)
    {
        ++m_count;
    }
    LiveCounter &operator=(const LiveCounter &) { return *this; }
    ~LiveCounter() { --m_count; }

private:
    std::atomic<int> &m_count;
};

} // namespace detail
} // namespace mtm::engine
