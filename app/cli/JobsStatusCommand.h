// `mtm jobs status ID [--json]`: where a job stands, in one line or as the REST API's status object.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsStatusCommand : public ParsedCommand
{
public:
    JobsStatusCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_json{QStringLiteral("json"),
                                    QStringLiteral("Print the REST API's status object (GET /jobs/{id}/status).")};
};

} // namespace mtm::cli
