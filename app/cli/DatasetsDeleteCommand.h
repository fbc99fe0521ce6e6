// `mtm datasets delete DATASET`: deletes a dataset's row and folder, after asking.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsDeleteCommand : public ParsedCommand
{
public:
    DatasetsDeleteCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_yes{{QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("Do not ask.")};
};

} // namespace mtm::cli
