// `mtm jobs run [ID]`: runs queued jobs here, in the foreground, until none is left (a headless machine's
// worker), or just the one given.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsRunCommand : public ParsedCommand
{
public:
    JobsRunCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_logEvery{QStringLiteral("log-every"), QStringLiteral("A line every N steps (10)."),
                                        QStringLiteral("N"), QStringLiteral("10")};
};

} // namespace mtm::cli
