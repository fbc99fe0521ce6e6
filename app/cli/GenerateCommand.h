// `mtm generate`: a continuation of a prompt, or with --chat the model's reply, printed as it is generated.
#pragma once

#include "ModelOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class GenerateCommand : public ParsedCommand
{
public:
    GenerateCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_model = modelOption();
    const QCommandLineOption m_adapter = adapterOption();
    const QCommandLineOption m_prompt{QStringLiteral("prompt"), QStringLiteral("The prompt (default: standard input)."),
                                      QStringLiteral("TEXT")};
    const QCommandLineOption m_chat{QStringLiteral("chat"), QStringLiteral("Treat the prompt as a chat message.")};
    const QCommandLineOption m_system{QStringLiteral("system"), QStringLiteral("A system message for --chat."),
                                      QStringLiteral("TEXT")};
    const QCommandLineOption m_maxTokens{QStringLiteral("max-tokens"),
                                         QStringLiteral("At most this many new tokens (256)."), QStringLiteral("N"),
                                         QStringLiteral("256")};
    const QCommandLineOption m_temperature{QStringLiteral("temperature"),
                                           QStringLiteral("Sampling temperature; 0 picks the likeliest token (0.7)."),
                                           QStringLiteral("T"), QStringLiteral("0.7")};
    const QCommandLineOption m_topK{QStringLiteral("top-k"),
                                    QStringLiteral("Sample among the K likeliest; 0 = all (40)."), QStringLiteral("K"),
                                    QStringLiteral("40")};
    const QCommandLineOption m_topP{QStringLiteral("top-p"), QStringLiteral("Nucleus sampling threshold (0.9)."),
                                    QStringLiteral("P"), QStringLiteral("0.9")};
    const QCommandLineOption m_penalty{QStringLiteral("repetition-penalty"),
                                       QStringLiteral("Discourage repeating tokens; 1 = off (1.1)."),
                                       QStringLiteral("R"), QStringLiteral("1.1")};
    const QCommandLineOption m_seed{QStringLiteral("seed"), QStringLiteral("Random seed for sampling (0)."),
                                    QStringLiteral("S"), QStringLiteral("0")};
    const QCommandLineOption m_format{QStringLiteral("chat-format"),
                                      QStringLiteral("The chat format instead of the model's own: llama3, llama31, "
                                                     "chatml, mistral, gemma, phi3 or alpaca."),
                                      QStringLiteral("NAME")};
    const QCommandLineOption m_dtype = dtypeOption();
    const QCommandLineOption m_device = deviceOption();
};

} // namespace mtm::cli
