#include "PerplexityCommand.h"

#include "Error.h"
#include "ProgressLine.h"
#include "model/LanguageModel.h"

#include <QFile>
#include <QFileInfo>

namespace mtm::cli {

PerplexityCommand::PerplexityCommand()
    : ParsedCommand(QStringLiteral("perplexity"), QStringLiteral("Measure how well a model predicts a text file"))
{
    setDescription(QStringLiteral(
        "Prints the mean negative log-likelihood per token (nats) and the perplexity of a model over a text file, "
        "scored in consecutive windows of N tokens (each starting with BOS when the tokenizer adds one)."));
    addOptions({m_model, m_adapter, m_file, m_context, m_dtype, m_device});
}

int PerplexityCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (!parser.isSet(m_file))
        return usageError(QStringLiteral("--file is required."), context);
    const auto window = numberOption(parser, m_context, 2, 1e6, context);
    if (!window)
        return UsageError;
    QFile input(parser.value(m_file));
    if (!input.open(QIODevice::ReadOnly))
        throw core::Error(core::Error::Kind::Io,
                          QStringLiteral("Cannot read %1: %2").arg(input.fileName(), input.errorString()));
    const QString text = QString::fromUtf8(input.readAll());
    const auto language =
        core::LanguageModel::open(modelFolder(parser, m_model, context),
                                  {parser.value(m_dtype), parser.value(m_device), QString(), parser.value(m_adapter)});
    context.err << "Model: " << language->summary() << '\n';
    core::PerplexityOutcome outcome;
    {
        ProgressLine progress(QStringLiteral("Scoring %1").arg(QFileInfo(input).fileName()));
        outcome = language->perplexity(text, int(*window), [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return true;
        });
    }
    context.out << "mean negative log-likelihood: " << QString::number(outcome.meanNegativeLogLikelihood, 'f', 4)
                << " nats/token over " << outcome.scoredTokens << " tokens in " << outcome.windows << " windows of "
                << int(*window) << " tokens\nperplexity: " << QString::number(outcome.perplexity, 'f', 3) << '\n';
    return Success;
}

} // namespace mtm::cli
