#include "ParsedCommand.h"

namespace mtm::cli {

void ParsedCommand::addPositional(const QString &name, const QString &description, const QString &syntax)
{
    m_positionals.push_back({name, description, syntax});
}

QString ParsedCommand::synopsis() const
{
    QString text = name();
    for (const Positional &positional : m_positionals)
        text += QLatin1Char(' ') + (positional.syntax.isEmpty() ? positional.name : positional.syntax);
    return text;
}

void ParsedCommand::setArgumentCount(int minimum, int maximum)
{
    m_minimumArguments = minimum;
    m_maximumArguments = maximum;
}

int ParsedCommand::run(const QStringList &arguments, CliContext &context)
{
    m_typed = arguments.value(0);
    QCommandLineParser parser;
    parser.setApplicationDescription(m_description.isEmpty() ? summary() : m_description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    for (const QCommandLineOption &option : m_options)
        parser.addOption(option);
    for (const Positional &positional : m_positionals)
        parser.addPositionalArgument(positional.name, positional.description, positional.syntax);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), context);
    if (parser.isSet(help)) {
        // Qt names the program by its path ("Usage: /usr/bin/mtm [options]"); people type "mtm <command>".
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1String(" [options]")), QStringLiteral("Usage: ") + m_typed);
        context.out << text;
        return Success;
    }
    const QStringList given = parser.positionalArguments();
    const int count = int(given.size());
    if (m_maximumArguments == 0 && count > 0)
        return usageError(QStringLiteral("unexpected argument '%1'. Run '%2 --help'.").arg(given.first(), m_typed),
                          context);
    if (count < m_minimumArguments || count > m_maximumArguments)
        return usageError(QStringLiteral("expected %1 argument(s), got %2. Run '%3 --help'.")
                              .arg(m_minimumArguments == m_maximumArguments
                                       ? QString::number(m_minimumArguments)
                                       : QStringLiteral("%1 to %2").arg(m_minimumArguments).arg(m_maximumArguments))
                              .arg(count)
                              .arg(m_typed),
                          context);
    return execute(parser, context);
}

std::optional<double> ParsedCommand::numberOption(const QCommandLineParser &parser, const QCommandLineOption &option,
                                                  double minimum, double maximum, CliContext &context) const
{
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || value < minimum || value > maximum) {
        context.err << "--" << option.names().constLast() << " must be a number from " << minimum << " to " << maximum
                    << ", not '" << parser.value(option) << "'.\n";
        return std::nullopt;
    }
    return value;
}

std::optional<qint64> ParsedCommand::jobId(const QCommandLineParser &parser, int index, CliContext &context) const
{
    bool ok = false;
    const QString text = parser.positionalArguments().value(index);
    const qint64 id = text.toLongLong(&ok);
    if (ok && id > 0)
        return id;
    usageError(QStringLiteral("'%1' is not a job id ('mtm jobs list' shows them).").arg(text), context);
    return std::nullopt;
}

std::optional<qint64> ParsedCommand::jobId(const QCommandLineParser &parser, const QCommandLineOption &option,
                                           CliContext &context) const
{
    if (!parser.isSet(option)) {
        usageError(QStringLiteral("--%1 is required.").arg(option.names().first()), context);
        return std::nullopt;
    }
    bool ok = false;
    const qint64 id = parser.value(option).toLongLong(&ok);
    if (ok && id > 0)
        return id;
    usageError(QStringLiteral("'%1' is not a job id ('mtm jobs list' shows them).").arg(parser.value(option)), context);
    return std::nullopt;
}

int ParsedCommand::usageError(const QString &message, CliContext &context) const
{
    context.err << m_typed << ": " << message << '\n';
    return UsageError;
}

} // namespace mtm::cli
