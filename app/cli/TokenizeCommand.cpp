#include "TokenizeCommand.h"

#include "ModelOptions.h"
#include "model/TextTokenizer.h"

namespace mtm::cli {

TokenizeCommand::TokenizeCommand()
    : ParsedCommand(QStringLiteral("tokenize"), QStringLiteral("Turn standard input into a model's tokens"))
{
    setDescription(QStringLiteral(
        "Tokenizes standard input with a model's tokenizer and prints one token per line (id and piece), or with --ids "
        "the ids on one line. No special tokens are added or recognised unless asked."));
    addOptions({m_model, m_ids, m_addSpecial, m_parseSpecial});
}

int TokenizeCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto tokenizer = core::TextTokenizer::open(modelFolder(parser, m_model, context));
    QTextStream input(stdin);
    const std::vector<std::int32_t> tokens =
        tokenizer->encode(input.readAll(), parser.isSet(m_addSpecial), parser.isSet(m_parseSpecial));
    if (parser.isSet(m_ids)) {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            context.out << (i ? " " : "") << tokens[i];
        context.out << '\n';
    } else {
        for (const std::int32_t id : tokens)
            context.out << id << '\t' << tokenizer->piece(id) << '\n';
    }
    return Success;
}

} // namespace mtm::cli
