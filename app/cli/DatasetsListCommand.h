// `mtm datasets list`: the datasets, newest first, as a table or JSON.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsListCommand : public ParsedCommand
{
public:
    DatasetsListCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print a JSON array.")};
};

} // namespace mtm::cli
