#include "CommandLine.h"

#include "EngineCall.h"
#include "Error.h"

#include <exception>

namespace mtm::cli {

CommandLine::CommandLine()
    : CommandGroup(QStringLiteral("mtm"), QString(),
                   QStringLiteral("Usage: mtm [--help] [--version] <command> [options]\n\n"
                                  "Model Training Manager on the command line: the same data, jobs and models as the "
                                  "desktop app."),
                   QStringLiteral("Exit status: 0 success, 1 the command failed, 2 the command line is wrong, 130 "
                                  "cancelled (Ctrl+C)."))
{}

bool CommandLine::computes(const QString &name) const
{
    const CliCommand *command = find(name);
    return command && command->computes();
}

int CommandLine::run(const QStringList &arguments, CliContext &context)
{
    QStringList line = arguments;
    line.replace(0, QStringLiteral("mtm")); // Qt gives the program's path
    const QString first = line.value(1);
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        context.out << "mtm " << MTM_VERSION << '\n';
        return Success;
    }
    try {
        // Whatever a command lets escape is worded for people at the one boundary (LibTorch's errors without
        // their C++ backtrace, the JSON library's without its codes).
        return core::callEngine([&] { return CommandGroup::run(line, context); });
    } catch (const core::Error &error) {
        context.err << "mtm " << first << ": " << error.message() << '\n';
        return error.isCancelled() ? Cancelled : Failure;
    }
}

} // namespace mtm::cli
