// `mtm deploy check --job ID [--type T]`: the job's held-out loss for its base model, the fine-tuned model and the
// GGUF at the type to deploy, side by side.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class DeployCheckCommand : public ParsedCommand
{
public:
    DeployCheckCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_type = ggufTypeOption();
};

} // namespace mtm::cli
