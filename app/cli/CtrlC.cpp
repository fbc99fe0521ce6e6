#include "CtrlC.h"

#include <atomic>
#include <csignal>

namespace mtm::cli {
namespace {

std::atomic<bool> g_pressed{false};

extern "C" void onInterrupt(int)
{
    g_pressed = true;
}

} // namespace

CtrlC::CtrlC()
    : m_previous(std::signal(SIGINT, onInterrupt))
    , m_previousTerminate(std::signal(SIGTERM, onInterrupt))
{
    g_pressed = false;
}

CtrlC::~CtrlC()
{
    std::signal(SIGINT, m_previous);
    std::signal(SIGTERM, m_previousTerminate);
}

bool CtrlC::pressed()
{
    return g_pressed;
}

} // namespace mtm::cli
