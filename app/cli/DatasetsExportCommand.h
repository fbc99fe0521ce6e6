// `mtm datasets export DATASET FILE`: a dataset's normalised records as JSON Lines.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsExportCommand : public ParsedCommand
{
public:
    DatasetsExportCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;
};

} // namespace mtm::cli
