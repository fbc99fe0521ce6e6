// `mtm deploy modelfile --job ID`: a completed job's model as the files `ollama create` takes — the GGUF model (or
// base and adapter) and a Modelfile that says why each line is there — for a terminal or another machine.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DeployModelfileCommand : public ParsedCommand
{
public:
    DeployModelfileCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job{QStringLiteral("job"), QStringLiteral("The completed job's id."),
                                   QStringLiteral("ID")};
    const QCommandLineOption m_type{QStringLiteral("type"),
                                    QStringLiteral("The GGUF type: f16, q8_0, q4_k_m, q5_k_m, bf16 or f32 (default "
                                                   "q4_k_m)."),
                                    QStringLiteral("TYPE"), QStringLiteral("q4_k_m")};
    const QCommandLineOption m_adapter{QStringLiteral("adapter-route"),
                                       QStringLiteral("The base model and the LoRA adapter as two files (ADAPTER) "
                                                      "instead of one merged model.")};
    const QCommandLineOption m_base{QStringLiteral("base"),
                                    QStringLiteral("With --adapter-route: the Ollama model the base is (for example "
                                                   "llama3.2:1b), instead of exporting it."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption m_system{QStringLiteral("system"), QStringLiteral("A system message (SYSTEM)."),
                                      QStringLiteral("TEXT")};
    const QCommandLineOption m_out{QStringLiteral("out"),
                                   QStringLiteral("The folder to write (default: the job's folder's ollama/)."),
                                   QStringLiteral("DIR")};
};

} // namespace mtm::cli
