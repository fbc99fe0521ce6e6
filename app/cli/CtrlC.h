// Ctrl+C as a request to stop, for commands that run long work: while an instance lives, SIGINT (and SIGTERM, as a
// service manager sends) no longer kills the process but is remembered, and the command stops its work cleanly
// (after the current training step).
#pragma once

namespace mtm::cli {

class CtrlC
{
public:
    CtrlC();  // starts listening
    ~CtrlC(); // the previous handler again
    CtrlC(const CtrlC &) = delete;
    CtrlC &operator=(const CtrlC &) = delete;

    static bool pressed();

private:
    void (*m_previous)(int);
    void (*m_previousTerminate)(int);
};

} // namespace mtm::cli
