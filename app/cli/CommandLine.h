// The `mtm` dispatcher: global options (--help, --version), then one subcommand.
#pragma once

#include "CliCommand.h"

#include <memory>
#include <vector>

namespace mtm::cli {

class CommandLine
{
public:
    void add(std::unique_ptr<CliCommand> command);
    // arguments as QCoreApplication::arguments(); returns the process exit code.
    int run(const QStringList &arguments, CliStreams streams);

private:
    void printUsage(QTextStream &stream) const;
    CliCommand *find(const QString &name) const;

    std::vector<std::unique_ptr<CliCommand>> m_commands;
};

} // namespace mtm::cli
