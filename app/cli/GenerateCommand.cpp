#include "GenerateCommand.h"

#include "model/LanguageModel.h"

namespace mtm::cli {

GenerateCommand::GenerateCommand()
    : ParsedCommand(QStringLiteral("generate"), QStringLiteral("Generate text with a model, streamed as it comes"))
{
    setDescription(QStringLiteral(
        "Generates a continuation of the prompt, or with --chat the model's reply to it as a user message (using the "
        "model's chat template), and prints it as it is generated."));
    addOptions({m_model, m_prompt, m_chat, m_system, m_maxTokens, m_temperature, m_topK, m_topP, m_penalty, m_seed,
                m_format, m_adapter, m_dtype, m_device});
}

int GenerateCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto tokens = numberOption(parser, m_maxTokens, 1, 1e6, context);
    const auto t = numberOption(parser, m_temperature, 0, 100, context);
    const auto k = numberOption(parser, m_topK, 0, 1e9, context);
    const auto p = numberOption(parser, m_topP, 1e-6, 1, context);
    const auto r = numberOption(parser, m_penalty, 1e-3, 100, context);
    const auto s = numberOption(parser, m_seed, 0, 1.8e19, context);
    if (!tokens || !t || !k || !p || !r || !s)
        return UsageError;
    const core::GenerationSettings settings{*t, int(*k), *p, *r, int(*tokens), quint64(*s)};

    QString text = parser.value(m_prompt);
    if (!parser.isSet(m_prompt)) {
        QTextStream input(stdin);
        text = input.readAll();
    }
    if (text.isEmpty())
        return usageError(QStringLiteral("the prompt is empty (give --prompt or standard input)."), context);

    const auto language = core::LanguageModel::open(
        modelFolder(parser, m_model, context),
        {parser.value(m_dtype), parser.value(m_device), parser.value(m_format), parser.value(m_adapter)});
    context.err << "Model: " << language->summary() << '\n';
    context.err.flush();
    auto print = [&](const QString &piece) {
        context.out << piece;
        context.out.flush();
        return true;
    };
    core::GenerationOutcome outcome;
    if (parser.isSet(m_chat)) {
        QVector<QPair<QString, QString>> messages;
        if (parser.isSet(m_system))
            messages.append({QStringLiteral("system"), parser.value(m_system)});
        messages.append({QStringLiteral("user"), text});
        outcome = language->chat(messages, settings, print);
    } else {
        outcome = language->complete(text, settings, print);
    }
    context.out << '\n';
    const double rate = outcome.decodeSeconds > 0 ? outcome.generatedTokens / outcome.decodeSeconds : 0;
    context.err << outcome.generatedTokens << " tokens in " << QString::number(outcome.decodeSeconds, 'f', 2) << " s ("
                << QString::number(rate, 'f', 1) << " tokens/s) after a prompt of " << outcome.promptTokens
                << " tokens in " << QString::number(outcome.prefillSeconds, 'f', 2) << " s; stopped at the "
                << outcome.stopReason << ".\n";
    return Success;
}

} // namespace mtm::cli
