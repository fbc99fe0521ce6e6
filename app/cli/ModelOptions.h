// The options of the commands that use a model: which model (by default the built-in starter model), and the
// dtype and device it runs in.
#pragma once

#include "CliContext.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace mtm::cli {

QCommandLineOption modelOption();
QCommandLineOption dtypeOption();
QCommandLineOption deviceOption();

// The model folder given with the option, or the starter model (copied into the data directory on first use).
QString modelFolder(const QCommandLineParser &parser, const QCommandLineOption &option, CliContext &context);

} // namespace mtm::cli
