// `mtm jobs download ID [--out FILE]`: a completed job's model as model_job_<id>.tar.gz.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsDownloadCommand : public ParsedCommand
{
public:
    JobsDownloadCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_out{QStringLiteral("out"),
                                   QStringLiteral("The archive to write (default: model_job_<id>.tar.gz here)."),
                                   QStringLiteral("FILE")};
};

} // namespace mtm::cli
