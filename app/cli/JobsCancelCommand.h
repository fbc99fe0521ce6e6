// `mtm jobs cancel ID`: cancels a queued job, or stops a running one within a step.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsCancelCommand : public ParsedCommand
{
public:
    JobsCancelCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;
};

} // namespace mtm::cli
