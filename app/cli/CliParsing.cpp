#include "CliParsing.h"

namespace mtm::cli {

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, CliStreams streams,
                                    int minPositional, int maxPositional)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    const QString command = arguments.value(0);
    if (!parser.parse(arguments)) {
        streams.err << command << ": " << parser.errorText() << '\n';
        return UsageError;
    }
    if (parser.isSet(help)) {
        // Qt names the program by its path ("Usage: /usr/bin/mtm [options]"); people type "mtm <command>".
        QString text = parser.helpText();
        text.replace(0, text.indexOf(QLatin1String(" [options]")), QStringLiteral("Usage: ") + command);
        streams.out << text;
        return Success;
    }
    const int count = int(parser.positionalArguments().size());
    if (count < minPositional || count > maxPositional) {
        streams.err << command << ": expected "
                    << (minPositional == maxPositional
                            ? QString::number(minPositional)
                            : QStringLiteral("%1 to %2").arg(minPositional).arg(maxPositional))
                    << " argument(s), got " << count << ". Run '" << command << " --help'.\n";
        return UsageError;
    }
    return std::nullopt;
}

std::optional<double> numberOption(const QCommandLineParser &parser, const QCommandLineOption &option, double minimum,
                                   double maximum, CliStreams streams)
{
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || value < minimum || value > maximum) {
        streams.err << "--" << option.names().constLast() << " must be a number from " << minimum << " to " << maximum
                    << ", not '" << parser.value(option) << "'.\n";
        return std::nullopt;
    }
    return value;
}

} // namespace mtm::cli
