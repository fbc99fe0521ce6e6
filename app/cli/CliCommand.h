// One subcommand of `mtm`: its name, a one-line summary, and how to run it.
#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace mtm::cli {

// Exit codes, as Unix tools use them.
enum ExitCode { Success = 0, Failure = 1, UsageError = 2 };

struct CliStreams
{
    QTextStream &out;
    QTextStream &err;
};

class CliCommand
{
public:
    virtual ~CliCommand() = default;
    virtual QString name() const = 0;
    virtual QString summary() const = 0;
    // arguments[0] is "mtm <name>", as QCommandLineParser expects; returns an ExitCode.
    virtual int run(const QStringList &arguments, CliStreams streams) = 0;
};

} // namespace mtm::cli
