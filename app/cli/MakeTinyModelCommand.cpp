#include "MakeTinyModelCommand.h"

#include "AppResources.h"
#include "model/ModelFactory.h"

#include <QDir>
#include <QFile>

namespace mtm::cli {

MakeTinyModelCommand::MakeTinyModelCommand()
    : ParsedCommand(QStringLiteral("make-tiny-model"), QStringLiteral("Create a random-weight model folder for tests"))
{
    setDescription(QStringLiteral(
        "Writes a random-weight model in Hugging Face layout (config.json, model.safetensors, generation_config.json, "
        "tokenizer files) into --out, for tests. The tokenizer (default: the starter model's) sets the vocabulary."));
    addOptions({m_out, m_family, m_hidden, m_layers, m_heads, m_kvHeads, m_intermediate, m_context, m_seed, m_dtype,
                m_tokenizer, m_untied});
}

int MakeTinyModelCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (!parser.isSet(m_out))
        return usageError(QStringLiteral("--out is required."), context);
    const auto h = numberOption(parser, m_hidden, 2, 65536, context),
               l = numberOption(parser, m_layers, 1, 512, context), a = numberOption(parser, m_heads, 1, 1024, context),
               kv = numberOption(parser, m_kvHeads, 1, 1024, context),
               m = numberOption(parser, m_intermediate, 1, 1 << 20, context),
               c = numberOption(parser, m_context, 2, 1 << 20, context),
               s = numberOption(parser, m_seed, 0, 1.8e19, context);
    if (!h || !l || !a || !kv || !m || !c || !s)
        return UsageError;
    core::TinyModelSpec spec;
    spec.family = parser.value(m_family);
    spec.hiddenSize = int(*h);
    spec.layers = int(*l);
    spec.heads = int(*a);
    spec.kvHeads = int(*kv);
    spec.intermediateSize = int(*m);
    spec.maxPositions = int(*c);
    spec.seed = quint64(*s);
    spec.dtype = parser.value(m_dtype);
    spec.tiedEmbeddings = !parser.isSet(m_untied);
    const QString out = parser.value(m_out);
    if (parser.isSet(m_tokenizer)) {
        spec.tokenizerFolder = parser.value(m_tokenizer);
        core::makeTinyModel(spec, out);
    } else {
        // The starter model's tokenizer is a resource; the engine reads files.
        const QString copy = out + QStringLiteral("/.tokenizer");
        QDir().mkpath(copy);
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"}) {
            QFile::remove(copy + QLatin1Char('/') + QLatin1String(name));
            QFile::copy(core::AppResources().starterModel + QLatin1Char('/') + QLatin1String(name),
                        copy + QLatin1Char('/') + QLatin1String(name));
        }
        spec.tokenizerFolder = copy;
        core::makeTinyModel(spec, out);
        QDir(copy).removeRecursively();
    }
    context.out << "Wrote a random-weight " << spec.family << " model to " << out << ".\n";
    return Success;
}

} // namespace mtm::cli
