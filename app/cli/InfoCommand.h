// `mtm info`: versions, compute devices, data directory and database, as text or JSON.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class InfoCommand : public ParsedCommand
{
public:
    InfoCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text.")};
};

} // namespace mtm::cli
