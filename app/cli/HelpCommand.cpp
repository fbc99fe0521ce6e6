#include "HelpCommand.h"

#include "CommandLine.h"

namespace mtm::cli {

HelpCommand::HelpCommand(CommandLine &commandLine)
    : CliCommand(QStringLiteral("help"), QStringLiteral("Show this help, or a command's: mtm help <command>"))
    , m_commandLine(commandLine)
{}

int HelpCommand::run(const QStringList &arguments, CliContext &context)
{
    // "mtm help datasets import" is "mtm datasets import --help"; "mtm help" is "mtm --help".
    return m_commandLine.run(
        QStringList{QStringLiteral("mtm")} + arguments.mid(1) + QStringList{QStringLiteral("--help")}, context);
}

} // namespace mtm::cli
