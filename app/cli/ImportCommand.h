// `mtm import ARCHIVE [--to DIR]`: a model archive (such as model_job_<id>.tar.gz) opened into a folder, safely.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class ImportCommand : public ParsedCommand
{
public:
    ImportCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_to{
        QStringLiteral("to"),
        QStringLiteral("The folder to create (default: <data directory>/models/imported/<archive name>)."),
        QStringLiteral("DIR")};
};

} // namespace mtm::cli
