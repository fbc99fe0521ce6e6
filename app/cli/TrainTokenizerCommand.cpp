#include "TrainTokenizerCommand.h"

#include "model/ModelFactory.h"

namespace mtm::cli {

TrainTokenizerCommand::TrainTokenizerCommand()
    : ParsedCommand(QStringLiteral("train-tokenizer"), QStringLiteral("Train a byte-level BPE tokenizer on text files"))
{
    setDescription(QStringLiteral(
        "Trains a byte-level BPE tokenizer (Llama 3 pre-tokenizer and special tokens) on text files and writes "
        "tokenizer.json and tokenizer_config.json into --out."));
    addPositional(QStringLiteral("FILE"), QStringLiteral("Text files to learn from."), QStringLiteral("FILE..."));
    setArgumentCount(1, 1 << 20);
    addOptions({m_out, m_vocabulary});
}

int TrainTokenizerCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto size = numberOption(parser, m_vocabulary, 261, 1 << 20, context);
    if (!size)
        return UsageError;
    if (!parser.isSet(m_out))
        return usageError(QStringLiteral("--out is required."), context);
    core::trainTokenizer(parser.positionalArguments(), int(*size), parser.value(m_out));
    context.out << "Wrote tokenizer.json and tokenizer_config.json to " << parser.value(m_out) << ".\n";
    return Success;
}

} // namespace mtm::cli
