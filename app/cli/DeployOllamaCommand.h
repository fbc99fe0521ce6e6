// `mtm deploy ollama --job ID`: a completed job's model created in a running Ollama server and asked a test
// question, with the engine's answer to it beside Ollama's.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class DeployOllamaCommand : public ParsedCommand
{
public:
    DeployOllamaCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_name{QStringLiteral("name"),
                                    QStringLiteral("The model's name in Ollama (default: from the job's name)."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption m_type = ggufTypeOption();
    const OllamaFilesOptions m_files;
    const QCommandLineOption m_host{QStringLiteral("host"),
                                    QStringLiteral("The Ollama server (default: OLLAMA_HOST, else Settings, else "
                                                   "127.0.0.1:11434)."),
                                    QStringLiteral("URL")};
    const QCommandLineOption m_question{QStringLiteral("question"),
                                        QStringLiteral("The test question (default: \"Say hello in one short "
                                                       "sentence.\")."),
                                        QStringLiteral("TEXT")};
};

} // namespace mtm::cli
