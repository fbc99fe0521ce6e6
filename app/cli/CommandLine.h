// `mtm`: the group of all commands, with the global options (--help, --version) and `mtm help <command>`, and
// the one place where a failed command becomes a message and an exit status.
#pragma once

#include "CommandGroup.h"

namespace mtm::cli {

class CommandLine : public CommandGroup
{
public:
    CommandLine();

    // Whether `mtm <name>` computes with the engine (see CliCommand::computes).
    bool computes(const QString &name) const;

    // arguments as QCoreApplication::arguments(); returns the process exit code.
    int run(const QStringList &arguments, CliContext &context) override;
};

} // namespace mtm::cli
