// `mtm serve [--host ADDRESS] [--port N] [--token TOKEN]`: the REST API of the user guide, headless, until Ctrl+C;
// the jobs it is given run in this process (on a GPU server without a desktop, say).
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class ServeCommand : public ParsedCommand
{
public:
    ServeCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_host{QStringLiteral("host"),
                                    QStringLiteral("The address to listen on (default 127.0.0.1: this computer only; "
                                                   "another needs a token)."),
                                    QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1")};
    const QCommandLineOption m_port{QStringLiteral("port"), QStringLiteral("The port (default 8000)."),
                                    QStringLiteral("N"), QStringLiteral("8000")};
    const QCommandLineOption m_token{QStringLiteral("token"),
                                     QStringLiteral("The bearer token other computers must send (default: the one "
                                                    "Settings keeps; MTM_API_TOKEN)."),
                                     QStringLiteral("TOKEN")};
};

} // namespace mtm::cli
