// `mtm jobs show ID`: a job's settings, state, last metrics and log.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsShowCommand : public ParsedCommand
{
public:
    JobsShowCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
    const QCommandLineOption m_lines{QStringLiteral("log"), QStringLiteral("How many of the last log lines (20)."),
                                     QStringLiteral("N"), QStringLiteral("20")};
};

} // namespace mtm::cli
