#include "CommandLine.h"

#include "Error.h"

#include <exception>

namespace mtm::cli {

void CommandLine::add(std::unique_ptr<CliCommand> command)
{
    m_commands.push_back(std::move(command));
}

CliCommand *CommandLine::find(const QString &name) const
{
    for (const auto &command : m_commands) {
        if (command->name() == name)
            return command.get();
    }
    return nullptr;
}

void CommandLine::printUsage(QTextStream &stream) const
{
    stream << "Usage: mtm [--help] [--version] <command> [options]\n\n"
              "Model Training Manager on the command line: the same data, jobs and models as the desktop app.\n\n"
              "Commands:\n";
    int width = 4;
    for (const auto &command : m_commands)
        width = qMax(width, int(command->name().size()));
    stream << "  " << QStringLiteral("help").leftJustified(width + 2)
           << "Show this help, or a command's: mtm help <command>\n";
    for (const auto &command : m_commands)
        stream << "  " << command->name().leftJustified(width + 2) << command->summary() << '\n';
    stream << "\nExit status: 0 success, 1 the command failed, 2 the command line is wrong.\n";
}

int CommandLine::run(const QStringList &arguments, CliStreams streams)
{
    const QString first = arguments.value(1);
    if (first.isEmpty()) {
        printUsage(streams.err);
        return UsageError;
    }
    if (first == QLatin1String("--help") || first == QLatin1String("-h") ||
        (first == QLatin1String("help") && arguments.size() == 2)) {
        printUsage(streams.out);
        return Success;
    }
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        streams.out << "mtm " << MTM_VERSION << '\n';
        return Success;
    }
    if (first == QLatin1String("help")) {
        CliCommand *command = find(arguments.value(2));
        if (!command) {
            streams.err << "mtm: unknown command '" << arguments.value(2) << "'. Run 'mtm --help' for the list.\n";
            return UsageError;
        }
        return command->run({QStringLiteral("mtm ") + command->name(), QStringLiteral("--help")}, streams);
    }
    if (first.startsWith(QLatin1Char('-'))) {
        streams.err << "mtm: unknown option '" << first << "'. Run 'mtm --help' for usage.\n";
        return UsageError;
    }
    CliCommand *command = find(first);
    if (!command) {
        streams.err << "mtm: unknown command '" << first << "'. Run 'mtm --help' for the list.\n";
        return UsageError;
    }
    QStringList commandArguments = arguments.mid(2);
    commandArguments.prepend(QStringLiteral("mtm ") + first);
    try {
        return command->run(commandArguments, streams);
    } catch (const core::Error &error) {
        streams.err << "mtm " << first << ": " << error.message() << '\n';
    } catch (const std::exception &error) {
        streams.err << "mtm " << first << ": " << QString::fromLocal8Bit(error.what()) << '\n';
    }
    return Failure;
}

} // namespace mtm::cli
