// `mtm train CONFIG.json`: runs a fine-tuning job from a JSON file with the REST API's fields and prints its
// progress; running it again on the same job folder continues from the last checkpoint.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class TrainCommand : public ParsedCommand
{
public:
    TrainCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_output{
        QStringLiteral("output"), QStringLiteral("The job folder (default: jobs/<CONFIG name> in the data directory)."),
        QStringLiteral("DIR")};
    const QCommandLineOption m_restart{QStringLiteral("restart"),
                                       QStringLiteral("Delete the job's checkpoints and start from the beginning.")};
    const QCommandLineOption m_logEvery{QStringLiteral("log-every"), QStringLiteral("Print a line every N steps (10)."),
                                        QStringLiteral("N"), QStringLiteral("10")};
};

} // namespace mtm::cli
