// `mtm jobs list`: the training jobs, newest first, as a table or JSON.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsListCommand : public ParsedCommand
{
public:
    JobsListCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
};

} // namespace mtm::cli
