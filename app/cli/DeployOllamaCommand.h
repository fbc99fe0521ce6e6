// `mtm deploy ollama --job ID`: a completed job's model created in a running Ollama server and asked a test
// question, with the engine's answer to it beside Ollama's.
#pragma once

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
    const QCommandLineOption m_job{QStringLiteral("job"), QStringLiteral("The completed job's id."),
                                   QStringLiteral("ID")};
    const QCommandLineOption m_name{QStringLiteral("name"),
                                    QStringLiteral("The model's name in Ollama (default: from the job's name)."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption m_type{QStringLiteral("type"),
                                    QStringLiteral("The GGUF type: f16, q8_0, q4_k_m, q5_k_m, bf16 or f32 (default "
                                                   "q4_k_m)."),
                                    QStringLiteral("TYPE"), QStringLiteral("q4_k_m")};
    const QCommandLineOption m_adapter{QStringLiteral("adapter-route"),
                                       QStringLiteral("Create the model as base + LoRA adapter instead of merged.")};
    const QCommandLineOption m_base{QStringLiteral("base"),
                                    QStringLiteral("With --adapter-route: the Ollama model the base is, instead of "
                                                   "uploading it."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption m_system{QStringLiteral("system"), QStringLiteral("A system message (SYSTEM)."),
                                      QStringLiteral("TEXT")};
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
