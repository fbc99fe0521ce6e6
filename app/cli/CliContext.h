// What every `mtm` command runs with: its output streams, and the process's one application core (the same
// settings, data directory, store, datasets and jobs as the desktop app), opened when a command first needs it.
#pragma once

#include <QTextStream>

#include <memory>

namespace mtm::core {
class AppCore;
}

namespace mtm::cli {

// Exit codes, as Unix tools use them; 130 for a command stopped by Ctrl+C or cancelled.
enum ExitCode { Success = 0, Failure = 1, UsageError = 2, Cancelled = 130 };

class CliContext
{
public:
    CliContext(QTextStream &out, QTextStream &err);
    ~CliContext();

    QTextStream &out;
    QTextStream &err;

    // Creates the data directory if needed and opens the store on first use. Throws core::Error.
    core::AppCore &core();

private:
    std::unique_ptr<core::AppCore> m_core;
};

} // namespace mtm::cli
