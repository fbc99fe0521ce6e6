// `mtm perplexity`: how well a model predicts a text file, in nats per token and as perplexity.
#pragma once

#include "ModelOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class PerplexityCommand : public ParsedCommand
{
public:
    PerplexityCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_model = modelOption();
    const QCommandLineOption m_adapter = adapterOption();
    const QCommandLineOption m_file{QStringLiteral("file"), QStringLiteral("The text file (UTF-8)."),
                                    QStringLiteral("TEXT")};
    const QCommandLineOption m_context{QStringLiteral("ctx"), QStringLiteral("Tokens per window (default 512)."),
                                       QStringLiteral("N"), QStringLiteral("512")};
    const QCommandLineOption m_dtype = dtypeOption();
    const QCommandLineOption m_device = deviceOption();
};

} // namespace mtm::cli
