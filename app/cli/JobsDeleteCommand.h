// `mtm jobs delete ID`: deletes a job that is not running, with its outputs, after asking.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsDeleteCommand : public ParsedCommand
{
public:
    JobsDeleteCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_yes{{QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("Do not ask.")};
};

} // namespace mtm::cli
