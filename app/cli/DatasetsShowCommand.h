// `mtm datasets show DATASET`: a dataset's details, validation report and first records.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsShowCommand : public ParsedCommand
{
public:
    DatasetsShowCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_records{QStringLiteral("records"),
                                       QStringLiteral("How many records to print (default 3)."), QStringLiteral("N"),
                                       QStringLiteral("3")};
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print one JSON object.")};
};

} // namespace mtm::cli
