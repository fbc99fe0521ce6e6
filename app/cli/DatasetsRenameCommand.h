// `mtm datasets rename DATASET NAME`: gives a dataset another name.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsRenameCommand : public ParsedCommand
{
public:
    DatasetsRenameCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;
};

} // namespace mtm::cli
