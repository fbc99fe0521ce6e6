// `mtm export`: a model folder as a GGUF file that llama.cpp, Ollama and LM Studio load, with a LoRA adapter
// merged into it or written as a GGUF adapter beside it.
#pragma once

#include "ModelOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class ExportCommand : public ParsedCommand
{
public:
    ExportCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_model = modelOption();
    const QCommandLineOption m_adapter = adapterOption();
    const QCommandLineOption m_gguf{QStringLiteral("gguf"), QStringLiteral("The GGUF model file to write."),
                                    QStringLiteral("FILE")};
    const QCommandLineOption m_merge{QStringLiteral("merge"),
                                     QStringLiteral("Merge the adapter into the model file's weights.")};
    const QCommandLineOption m_adapterGguf{
        QStringLiteral("adapter-gguf"),
        QStringLiteral("Also write the adapter alone as a GGUF adapter, to apply to the model file."),
        QStringLiteral("FILE")};
    const QCommandLineOption m_type{QStringLiteral("type"),
                                    QStringLiteral("f16, q8_0, q4_k_m, q5_k_m, bf16 or f32 (default q8_0)."),
                                    QStringLiteral("TYPE"), QStringLiteral("q8_0")};
};

} // namespace mtm::cli
