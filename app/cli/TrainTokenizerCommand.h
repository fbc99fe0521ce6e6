// `mtm train-tokenizer`: a byte-level BPE tokenizer trained on text files.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class TrainTokenizerCommand : public ParsedCommand
{
public:
    TrainTokenizerCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_out{QStringLiteral("out"), QStringLiteral("The folder to write."),
                                   QStringLiteral("DIR")};
    const QCommandLineOption m_vocabulary{QStringLiteral("vocab"), QStringLiteral("Vocabulary size (2048)."),
                                          QStringLiteral("N"), QStringLiteral("2048")};
};

} // namespace mtm::cli
