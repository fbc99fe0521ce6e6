// `mtm make-tiny-model`: a random-weight model folder in Hugging Face layout, for tests.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class MakeTinyModelCommand : public ParsedCommand
{
public:
    MakeTinyModelCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_out{QStringLiteral("out"), QStringLiteral("The folder to write."),
                                   QStringLiteral("DIR")};
    const QCommandLineOption m_family{QStringLiteral("family"), QStringLiteral("llama, mistral or qwen2 (llama)."),
                                      QStringLiteral("NAME"), QStringLiteral("llama")};
    const QCommandLineOption m_hidden{QStringLiteral("hidden"), QStringLiteral("Hidden size (64)."),
                                      QStringLiteral("N"), QStringLiteral("64")};
    const QCommandLineOption m_layers{QStringLiteral("layers"), QStringLiteral("Layers (2)."), QStringLiteral("N"),
                                      QStringLiteral("2")};
    const QCommandLineOption m_heads{QStringLiteral("heads"), QStringLiteral("Attention heads (4)."),
                                     QStringLiteral("N"), QStringLiteral("4")};
    const QCommandLineOption m_kvHeads{QStringLiteral("kv-heads"), QStringLiteral("Key/value heads (2)."),
                                       QStringLiteral("N"), QStringLiteral("2")};
    const QCommandLineOption m_intermediate{QStringLiteral("intermediate"), QStringLiteral("MLP size (172)."),
                                            QStringLiteral("N"), QStringLiteral("172")};
    const QCommandLineOption m_context{QStringLiteral("context"), QStringLiteral("Maximum positions (512)."),
                                       QStringLiteral("N"), QStringLiteral("512")};
    const QCommandLineOption m_seed{QStringLiteral("seed"), QStringLiteral("Random seed (1)."), QStringLiteral("S"),
                                    QStringLiteral("1")};
    const QCommandLineOption m_dtype{QStringLiteral("dtype"),
                                     QStringLiteral("float32 or bfloat16 as stored (float32)."), QStringLiteral("TYPE"),
                                     QStringLiteral("float32")};
    const QCommandLineOption m_tokenizer{QStringLiteral("tokenizer"), QStringLiteral("A folder with tokenizer.json."),
                                         QStringLiteral("DIR")};
    const QCommandLineOption m_untied{QStringLiteral("untied"),
                                      QStringLiteral("Give the output layer its own weights.")};
};

} // namespace mtm::cli
