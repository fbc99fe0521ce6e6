// `mtm help [COMMAND...]`: the list of commands, or a command's options.
#pragma once

#include "CliCommand.h"

namespace mtm::cli {

class CommandLine;

class HelpCommand : public CliCommand
{
public:
    explicit HelpCommand(CommandLine &commandLine);

    QString synopsis() const override { return QStringLiteral("help [COMMAND]"); }
    int run(const QStringList &arguments, CliContext &context) override;

private:
    CommandLine &m_commandLine;
};

} // namespace mtm::cli
