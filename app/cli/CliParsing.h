// Option parsing shared by the `mtm` commands: help, argument counts and numbers, with Unix-style messages.
#pragma once

#include "CliCommand.h"

#include <QCommandLineParser>

#include <optional>

namespace mtm::cli {

// Adds --help and parses; returns the exit code when the command should stop here (help shown or bad usage),
// or nothing when it should go on.
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, CliStreams streams,
                                    int minPositional, int maxPositional);

// The option's value as a number in [minimum, maximum]; on failure prints why and returns nothing.
std::optional<double> numberOption(const QCommandLineParser &parser, const QCommandLineOption &option, double minimum,
                                   double maximum, CliStreams streams);

} // namespace mtm::cli
