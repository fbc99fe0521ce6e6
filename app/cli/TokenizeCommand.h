// `mtm tokenize`: standard input as a model's tokens, one a line (id and piece) or the ids on one line.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class TokenizeCommand : public ParsedCommand
{
public:
    TokenizeCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_model{QStringLiteral("model"),
                                     QStringLiteral("A model folder, a tokenizer.json or a .gguf file (default: the "
                                                    "built-in starter model)."),
                                     QStringLiteral("PATH")};
    const QCommandLineOption m_ids{QStringLiteral("ids"), QStringLiteral("Print only the ids, space-separated.")};
    const QCommandLineOption m_addSpecial{QStringLiteral("add-special"),
                                          QStringLiteral("Add the BOS/EOS the tokenizer adds.")};
    const QCommandLineOption m_parseSpecial{
        QStringLiteral("parse-special"), QStringLiteral("Read special-token text such as <|eot_id|> as that token.")};
};

} // namespace mtm::cli
