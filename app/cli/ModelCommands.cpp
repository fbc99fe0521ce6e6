#include "ModelCommands.h"

#include "CliEnvironment.h"
#include "CliParsing.h"
#include "Error.h"
#include "ProgressLine.h"
#include "model/LanguageModel.h"
#include "model/ModelFactory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace mtm::cli {
namespace {

const char kShippedStarterModel[] = ":/starter-model";

QCommandLineOption modelOption(bool required)
{
    return QCommandLineOption(QStringLiteral("model"),
                              required ? QStringLiteral("The model folder (config.json, model.safetensors, tokenizer).")
                                       : QStringLiteral("The model folder (default: the built-in starter model)."),
                              QStringLiteral("DIR"));
}

// The model folder given, or the starter model (created in the data directory on first use).
QString modelFolder(const QCommandLineParser &parser, const QCommandLineOption &option)
{
    if (parser.isSet(option))
        return parser.value(option);
    CliEnvironment environment;
    return core::installStarterModel(environment.dataDirectory, QLatin1String(kShippedStarterModel));
}

const QCommandLineOption kDtype(QStringLiteral("dtype"), QStringLiteral("auto, float32 or bfloat16 (default auto)."),
                                QStringLiteral("TYPE"), QStringLiteral("auto"));
const QCommandLineOption kDevice(QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (default auto)."),
                                 QStringLiteral("DEVICE"), QStringLiteral("auto"));

} // namespace

int GenerateCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generates a continuation of the prompt, or with --chat the model's reply to it as a user message (using the "
        "model's chat template), and prints it as it is generated."));
    const QCommandLineOption model = modelOption(false);
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("The prompt (default: standard input)."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption chat(QStringLiteral("chat"), QStringLiteral("Treat the prompt as a chat message."));
    const QCommandLineOption system(QStringLiteral("system"), QStringLiteral("A system message for --chat."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption maxTokens(QStringLiteral("max-tokens"),
                                       QStringLiteral("At most this many new tokens (256)."), QStringLiteral("N"),
                                       QStringLiteral("256"));
    const QCommandLineOption temperature(QStringLiteral("temperature"),
                                         QStringLiteral("Sampling temperature; 0 picks the likeliest token (0.7)."),
                                         QStringLiteral("T"), QStringLiteral("0.7"));
    const QCommandLineOption topK(QStringLiteral("top-k"),
                                  QStringLiteral("Sample among the K likeliest; 0 = all (40)."), QStringLiteral("K"),
                                  QStringLiteral("40"));
    const QCommandLineOption topP(QStringLiteral("top-p"), QStringLiteral("Nucleus sampling threshold (0.9)."),
                                  QStringLiteral("P"), QStringLiteral("0.9"));
    const QCommandLineOption penalty(QStringLiteral("repetition-penalty"),
                                     QStringLiteral("Discourage repeating tokens; 1 = off (1.1)."), QStringLiteral("R"),
                                     QStringLiteral("1.1"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed for sampling (0)."),
                                  QStringLiteral("S"), QStringLiteral("0"));
    const QCommandLineOption format(QStringLiteral("chat-format"),
                                    QStringLiteral("The chat format instead of the model's own: llama3, llama31, "
                                                   "chatml, mistral, gemma, phi3 or alpaca."),
                                    QStringLiteral("NAME"));
    for (const auto &option :
         {model, prompt, chat, system, maxTokens, temperature, topK, topP, penalty, seed, format, kDtype, kDevice})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 0, 0))
        return *status;

    core::GenerationSettings settings;
    const auto tokens = numberOption(parser, maxTokens, 1, 1e6, streams);
    const auto t = numberOption(parser, temperature, 0, 100, streams);
    const auto k = numberOption(parser, topK, 0, 1e9, streams);
    const auto p = numberOption(parser, topP, 1e-6, 1, streams);
    const auto r = numberOption(parser, penalty, 1e-3, 100, streams);
    const auto s = numberOption(parser, seed, 0, 1.8e19, streams);
    if (!tokens || !t || !k || !p || !r || !s)
        return UsageError;
    settings = {*t, int(*k), *p, *r, int(*tokens), quint64(*s)};

    QString text = parser.value(prompt);
    if (!parser.isSet(prompt)) {
        QTextStream input(stdin);
        text = input.readAll();
    }
    if (text.isEmpty()) {
        streams.err << "mtm generate: the prompt is empty (give --prompt or standard input).\n";
        return UsageError;
    }

    const auto language = core::LanguageModel::open(
        modelFolder(parser, model), {parser.value(kDtype), parser.value(kDevice), parser.value(format)});
    streams.err << "Model: " << language->summary() << '\n';
    streams.err.flush();
    auto print = [&](const QString &piece) {
        streams.out << piece;
        streams.out.flush();
        return true;
    };
    core::GenerationOutcome outcome;
    if (parser.isSet(chat)) {
        QVector<QPair<QString, QString>> messages;
        if (parser.isSet(system))
            messages.append({QStringLiteral("system"), parser.value(system)});
        messages.append({QStringLiteral("user"), text});
        outcome = language->chat(messages, settings, print);
    } else {
        outcome = language->complete(text, settings, print);
    }
    streams.out << '\n';
    streams.err << outcome.generatedTokens << " tokens in " << QString::number(outcome.decodeSeconds, 'f', 2) << " s ("
                << QString::number(outcome.decodeSeconds > 0 ? outcome.generatedTokens / outcome.decodeSeconds : 0, 'f',
                                   1)
                << " tokens/s) after a prompt of " << outcome.promptTokens << " tokens in "
                << QString::number(outcome.prefillSeconds, 'f', 2) << " s; stopped at the " << outcome.stopReason
                << ".\n";
    return Success;
}

int TokenizeCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tokenizes standard input with a model's tokenizer and prints one token per line (id and piece), or with --ids "
        "the ids on one line. No special tokens are added or recognised unless asked."));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("A model folder, a tokenizer.json or a .gguf file."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption ids(QStringLiteral("ids"), QStringLiteral("Print only the ids, space-separated."));
    const QCommandLineOption addSpecial(QStringLiteral("add-special"),
                                        QStringLiteral("Add the BOS/EOS the tokenizer adds."));
    const QCommandLineOption parseSpecial(QStringLiteral("parse-special"),
                                          QStringLiteral("Read special-token text such as <|eot_id|> as that token."));
    for (const auto &option : {model, ids, addSpecial, parseSpecial})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 0, 0))
        return *status;
    const QString path = parser.isSet(model) ? parser.value(model) : modelFolder(parser, model);
    const auto tokenizer = core::TextTokenizer::open(path);
    QTextStream input(stdin);
    const std::vector<std::int32_t> tokens =
        tokenizer->encode(input.readAll(), parser.isSet(addSpecial), parser.isSet(parseSpecial));
    if (parser.isSet(ids)) {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            streams.out << (i ? " " : "") << tokens[i];
        streams.out << '\n';
    } else {
        for (const std::int32_t id : tokens)
            streams.out << id << '\t' << tokenizer->piece(id) << '\n';
    }
    return Success;
}

int PerplexityCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints the mean negative log-likelihood per token (nats) and the perplexity of a model over a text file, "
        "scored in consecutive windows of N tokens (each starting with BOS when the tokenizer adds one)."));
    const QCommandLineOption model = modelOption(false);
    const QCommandLineOption file(QStringLiteral("file"), QStringLiteral("The text file (UTF-8)."),
                                  QStringLiteral("TEXT"));
    const QCommandLineOption context(QStringLiteral("ctx"), QStringLiteral("Tokens per window (default 512)."),
                                     QStringLiteral("N"), QStringLiteral("512"));
    for (const auto &option : {model, file, context, kDtype, kDevice})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 0, 0))
        return *status;
    if (!parser.isSet(file)) {
        streams.err << "mtm perplexity: --file is required.\n";
        return UsageError;
    }
    const auto window = numberOption(parser, context, 2, 1e6, streams);
    if (!window)
        return UsageError;
    QFile input(parser.value(file));
    if (!input.open(QIODevice::ReadOnly))
        throw core::Error(QStringLiteral("Cannot read %1: %2").arg(input.fileName(), input.errorString()));
    const QString text = QString::fromUtf8(input.readAll());
    const auto language =
        core::LanguageModel::open(modelFolder(parser, model), {parser.value(kDtype), parser.value(kDevice), QString()});
    streams.err << "Model: " << language->summary() << '\n';
    core::PerplexityOutcome outcome;
    {
        ProgressLine progress(QStringLiteral("Scoring %1").arg(QFileInfo(input).fileName()));
        outcome = language->perplexity(text, int(*window), [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return true;
        });
    }
    streams.out << "mean negative log-likelihood: " << QString::number(outcome.meanNegativeLogLikelihood, 'f', 4)
                << " nats/token over " << outcome.scoredTokens << " tokens in " << outcome.windows << " windows of "
                << int(*window) << " tokens\nperplexity: " << QString::number(outcome.perplexity, 'f', 3) << '\n';
    return Success;
}

int MakeTinyModelCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes a random-weight model in Hugging Face layout (config.json, model.safetensors, generation_config.json, "
        "tokenizer files) into --out, for tests. The tokenizer (default: the starter model's) sets the vocabulary."));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The folder to write."), QStringLiteral("DIR"));
    const QCommandLineOption family(QStringLiteral("family"), QStringLiteral("llama, mistral or qwen2 (llama)."),
                                    QStringLiteral("NAME"), QStringLiteral("llama"));
    const QCommandLineOption hidden(QStringLiteral("hidden"), QStringLiteral("Hidden size (64)."), QStringLiteral("N"),
                                    QStringLiteral("64"));
    const QCommandLineOption layers(QStringLiteral("layers"), QStringLiteral("Layers (2)."), QStringLiteral("N"),
                                    QStringLiteral("2"));
    const QCommandLineOption heads(QStringLiteral("heads"), QStringLiteral("Attention heads (4)."), QStringLiteral("N"),
                                   QStringLiteral("4"));
    const QCommandLineOption kvHeads(QStringLiteral("kv-heads"), QStringLiteral("Key/value heads (2)."),
                                     QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption intermediate(QStringLiteral("intermediate"), QStringLiteral("MLP size (172)."),
                                          QStringLiteral("N"), QStringLiteral("172"));
    const QCommandLineOption context(QStringLiteral("context"), QStringLiteral("Maximum positions (512)."),
                                     QStringLiteral("N"), QStringLiteral("512"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (1)."), QStringLiteral("S"),
                                  QStringLiteral("1"));
    const QCommandLineOption dtype(QStringLiteral("dtype"), QStringLiteral("float32 or bfloat16 as stored (float32)."),
                                   QStringLiteral("TYPE"), QStringLiteral("float32"));
    const QCommandLineOption tokenizer(QStringLiteral("tokenizer"), QStringLiteral("A folder with tokenizer.json."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption untied(QStringLiteral("untied"), QStringLiteral("Give the output layer its own weights."));
    for (const auto &option :
         {out, family, hidden, layers, heads, kvHeads, intermediate, context, seed, dtype, tokenizer, untied})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 0, 0))
        return *status;
    if (!parser.isSet(out)) {
        streams.err << "mtm make-tiny-model: --out is required.\n";
        return UsageError;
    }
    core::TinyModelSpec spec;
    spec.family = parser.value(family);
    const auto h = numberOption(parser, hidden, 2, 65536, streams), l = numberOption(parser, layers, 1, 512, streams),
               a = numberOption(parser, heads, 1, 1024, streams), kv = numberOption(parser, kvHeads, 1, 1024, streams),
               m = numberOption(parser, intermediate, 1, 1 << 20, streams),
               c = numberOption(parser, context, 2, 1 << 20, streams),
               s = numberOption(parser, seed, 0, 1.8e19, streams);
    if (!h || !l || !a || !kv || !m || !c || !s)
        return UsageError;
    spec.hiddenSize = int(*h);
    spec.layers = int(*l);
    spec.heads = int(*a);
    spec.kvHeads = int(*kv);
    spec.intermediateSize = int(*m);
    spec.maxPositions = int(*c);
    spec.seed = quint64(*s);
    spec.dtype = parser.value(dtype);
    spec.tiedEmbeddings = !parser.isSet(untied);
    spec.tokenizerFolder =
        parser.isSet(tokenizer) ? parser.value(tokenizer) : QString::fromLatin1(kShippedStarterModel);
    if (spec.tokenizerFolder.startsWith(QLatin1Char(':'))) {
        // The built-in tokenizer is a resource; the engine reads files.
        const QString copy = parser.value(out) + QStringLiteral("/.tokenizer");
        QDir().mkpath(copy);
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"}) {
            QFile::remove(copy + QLatin1Char('/') + QLatin1String(name));
            QFile::copy(spec.tokenizerFolder + QLatin1Char('/') + QLatin1String(name),
                        copy + QLatin1Char('/') + QLatin1String(name));
        }
        spec.tokenizerFolder = copy;
        core::makeTinyModel(spec, parser.value(out));
        QDir(copy).removeRecursively();
    } else {
        core::makeTinyModel(spec, parser.value(out));
    }
    streams.out << "Wrote a random-weight " << spec.family << " model to " << parser.value(out) << ".\n";
    return Success;
}

int TrainTokenizerCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Trains a byte-level BPE tokenizer (Llama 3 pre-tokenizer and special tokens) on text files and writes "
        "tokenizer.json and tokenizer_config.json into --out."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Text files to learn from."),
                                 QStringLiteral("FILE..."));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The folder to write."), QStringLiteral("DIR"));
    const QCommandLineOption vocabulary(QStringLiteral("vocab"), QStringLiteral("Vocabulary size (2048)."),
                                        QStringLiteral("N"), QStringLiteral("2048"));
    parser.addOption(out);
    parser.addOption(vocabulary);
    if (const auto status = parseCommandLine(parser, arguments, streams, 1, 1 << 20))
        return *status;
    const auto size = numberOption(parser, vocabulary, 261, 1 << 20, streams);
    if (!size)
        return UsageError;
    if (!parser.isSet(out)) {
        streams.err << "mtm train-tokenizer: --out is required.\n";
        return UsageError;
    }
    core::trainTokenizer(parser.positionalArguments(), int(*size), parser.value(out));
    streams.out << "Wrote tokenizer.json and tokenizer_config.json to " << parser.value(out) << ".\n";
    return Success;
}

} // namespace mtm::cli
