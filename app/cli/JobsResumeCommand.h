// `mtm jobs resume ID [--wait]`: puts an interrupted, failed or cancelled job back in the queue; it
// continues from its last checkpoint.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsResumeCommand : public ParsedCommand
{
public:
    JobsResumeCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_wait{QStringLiteral("wait"),
                                    QStringLiteral("Run the job here and follow it until it ends (Ctrl+C stops it).")};
    const QCommandLineOption m_logEvery{QStringLiteral("log-every"),
                                        QStringLiteral("With --wait, a line every N steps (10)."), QStringLiteral("N"),
                                        QStringLiteral("10")};
};

} // namespace mtm::cli
