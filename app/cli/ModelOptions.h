// The options of the commands that use a model: which model (by default the built-in starter model; a LoRA
// adapter folder stands for its base with the adapter), an adapter to apply, and the dtype and device.
#pragma once

#include "CliContext.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace mtm::cli {

QCommandLineOption modelOption();
QCommandLineOption adapterOption();
QCommandLineOption dtypeOption();
QCommandLineOption deviceOption();

// The model folder given with the option, or the starter model (copied into the data directory on first use).
QString modelFolder(const QCommandLineParser &parser, const QCommandLineOption &option, CliContext &context);

} // namespace mtm::cli
