#include "CommandGroup.h"

#include "Error.h"

#include <algorithm>

namespace mtm::cli {

CommandGroup::CommandGroup(QString name, QString summary, QString usage, QString footer)
    : CliCommand(std::move(name), std::move(summary))
    , m_usage(std::move(usage))
    , m_footer(std::move(footer))
{}

void CommandGroup::add(std::unique_ptr<CliCommand> command)
{
    m_commands.push_back(std::move(command));
}

CliCommand *CommandGroup::find(const QString &name) const
{
    for (const auto &command : m_commands) {
        if (command->name() == name)
            return command.get();
    }
    return nullptr;
}

bool CommandGroup::computes() const
{
    return std::any_of(m_commands.begin(), m_commands.end(), [](const auto &command) { return command->computes(); });
}

void CommandGroup::printUsage(QTextStream &stream) const
{
    stream << m_usage << "\n\nCommands:\n";
    int width = 4;
    for (const auto &command : m_commands)
        width = qMax(width, int(command->synopsis().size()));
    for (const auto &command : m_commands)
        stream << "  " << command->synopsis().leftJustified(width + 2) << command->summary() << '\n';
    if (!m_footer.isEmpty())
        stream << '\n' << m_footer << '\n';
}

int CommandGroup::run(const QStringList &arguments, CliContext &context)
{
    const QString first = arguments.value(1);
    if (first.isEmpty()) {
        printUsage(context.err);
        return UsageError;
    }
    if (first == QLatin1String("--help") || first == QLatin1String("-h")) {
        printUsage(context.out);
        return Success;
    }
    return runCommand(arguments, context);
}

int CommandGroup::runCommand(const QStringList &arguments, CliContext &context)
{
    const QString typed = arguments.value(0);
    const QString first = arguments.value(1);
    CliCommand *command = first.startsWith(QLatin1Char('-')) ? nullptr : find(first);
    if (!command) {
        context.err << typed << ": unknown " << (first.startsWith(QLatin1Char('-')) ? "option" : "command") << " '"
                    << first << "'. Run '" << typed << " --help' for the list.\n";
        return UsageError;
    }
    QStringList rest = arguments.mid(2);
    rest.prepend(typed + QLatin1Char(' ') + command->name());
    try {
        return command->run(rest, context);
    } catch (const core::Error &error) {
        // "There is no dataset 'x'." — and where to see what there is.
        if (error.kind() != core::Error::Kind::NotFound || !find(QStringLiteral("list")))
            throw;
        throw core::Error(error.kind(), QStringLiteral("%1 '%2 list' shows them.").arg(error.message(), typed));
    }
}

} // namespace mtm::cli
