// `mtm rag serve --job ID [--host ADDRESS] [--port N]`: the retrieval service for a RAG job's index, until Ctrl+C.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class RagServeCommand : public ParsedCommand
{
public:
    RagServeCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_host{QStringLiteral("host"),
                                    QStringLiteral("The address to listen on (default 127.0.0.1; this computer only)."),
                                    QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1")};
    const QCommandLineOption m_port{QStringLiteral("port"), QStringLiteral("The port (default 8001)."),
                                    QStringLiteral("N"), QStringLiteral("8001")};
};

} // namespace mtm::cli
