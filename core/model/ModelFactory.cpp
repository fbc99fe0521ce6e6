#include "model/ModelFactory.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/io/DurableFiles.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/BpeTrainer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "settings/DataDirectory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QTemporaryDir>

#include <algorithm>
#include <array>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ModelFactory)
};

const char kStarterChatTemplate[] =
    "{% for message in messages %}{% if loop.index0 == 0 %}{{ bos_token }}{% endif %}{{ '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if "
    "add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

const std::array<const char *, 5> kStarterModelFiles = {"config.json", "generation_config.json", "model.safetensors",
                                                        "tokenizer.json", "tokenizer_config.json"};

void copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    if (!QFile::copy(from, to)) // from may be a Qt resource (the shipped starter model)
        throw Error(Error::Kind::Io, Text::tr("Cannot copy %1 to %2.").arg(from, to));
    callEngine([&] { engine::syncFile(to.toStdString()); });
    QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                             QFileDevice::ReadOther);
}

} // namespace

void makeTinyModel(const TinyModelSpec &spec, const QString &folder)
{
    callEngine([&] {
        engine::ModelConfig config;
        if (spec.family == QLatin1String("llama"))
            config.family = engine::ModelFamily::Llama;
        else if (spec.family == QLatin1String("mistral"))
            config.family = engine::ModelFamily::Mistral;
        else if (spec.family == QLatin1String("qwen2"))
            config.family = engine::ModelFamily::Qwen2;
        else
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("Unknown model family \"%1\" (use llama, mistral or qwen2).").arg(spec.family));
        if (spec.hiddenSize % spec.heads != 0 || spec.heads % spec.kvHeads != 0 || (spec.hiddenSize / spec.heads) % 2)
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("The hidden size must split into an even head size, and the heads into the "
                                 "key/value heads (hidden %1, heads %2, key/value heads %3).")
                            .arg(spec.hiddenSize)
                            .arg(spec.heads)
                            .arg(spec.kvHeads));
        const auto tokenizer = engine::loadTokenizer(spec.tokenizerFolder.toStdString());
        config.vocabSize = tokenizer->vocabularySize();
        config.hiddenSize = spec.hiddenSize;
        config.intermediateSize = spec.intermediateSize;
        config.layers = spec.layers;
        config.heads = spec.heads;
        config.kvHeads = spec.kvHeads;
        config.headDim = spec.hiddenSize / spec.heads;
        config.maxPositions = spec.maxPositions;
        config.ropeTheta = spec.ropeTheta;
        config.rmsNormEps = 1e-5;
        config.tieWordEmbeddings = spec.tiedEmbeddings;
        config.attentionBias = config.family == engine::ModelFamily::Qwen2;
        if (tokenizer->settings().bos)
            config.bosTokenId = *tokenizer->settings().bos;
        if (tokenizer->settings().eos)
            config.eosTokenIds = {*tokenizer->settings().eos};

        engine::Transformer model(config);
        model.initializeRandomly(spec.seed);
        engine::GenerationConfig generation;
        generation.bosTokenId = config.bosTokenId;
        generation.eosTokenIds = config.eosTokenIds;
        if (const auto eot = tokenizer->idOf("<|eot_id|>"))
            generation.eosTokenIds.push_back(*eot);
        generation.doSample = true;
        generation.temperature = 0.7;
        generation.topP = 0.9;
        if (!QDir().mkpath(folder))
            throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(folder));
        engine::saveTransformer(model, folder.toStdString(), engine::dtypeFromName(spec.dtype.toStdString()),
                                generation);
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"}) {
            const QString source = QDir(spec.tokenizerFolder).filePath(QLatin1String(name));
            if (QFileInfo::exists(source))
                copyFile(source, QDir(folder).filePath(QLatin1String(name)));
        }
    });
}

void trainTokenizer(const QStringList &files, int vocabularySize, const QString &folder)
{
    std::vector<std::string> texts;
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(path, file.errorString()));
        texts.push_back(file.readAll().toStdString());
    }
    const std::vector<std::string> special = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                              "<|end_header_id|>", "<|eot_id|>"};
    callEngine([&] {
        const engine::TrainedBpe bpe = engine::trainByteLevelBpe(texts, vocabularySize, special);
        engine::writeTrainedTokenizer(bpe, folder.toStdString(), "<|begin_of_text|>", "<|end_of_text|>",
                                      kStarterChatTemplate);
    });
}

QString starterModelFolder(const DataDirectory &dataDirectory)
{
    return dataDirectory.modelsDirectory() + QStringLiteral("/base/starter");
}

bool starterModelIsCurrent(const DataDirectory &dataDirectory, const QString &shippedFolder)
{
    const QDir installed(starterModelFolder(dataDirectory));
    return std::all_of(kStarterModelFiles.begin(), kStarterModelFiles.end(), [&](const char *name) {
        QFile copy(installed.filePath(QLatin1String(name)));
        QFile original(QDir(shippedFolder).filePath(QLatin1String(name)));
        return copy.size() == original.size() && copy.open(QIODevice::ReadOnly) && original.open(QIODevice::ReadOnly) &&
               copy.readAll() == original.readAll();
    });
}

QString installStarterModel(const DataDirectory &dataDirectory, const QString &shippedFolder)
{
    // The window's start-up check and a job's worker may both ask at once; another process may install it at the
    // same time too, which the exchange below makes harmless (the folder is always one whole copy).
    static QMutex installing;
    const QMutexLocker lock(&installing);
    const QString folder = starterModelFolder(dataDirectory);
    if (starterModelIsCurrent(dataDirectory, shippedFolder))
        return folder;
    // Copied into a temporary folder beside the target and renamed into place, so that it is whole or absent.
    const QString parent = QFileInfo(folder).absolutePath();
    if (!QDir().mkpath(parent))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(parent));
    QTemporaryDir staging(parent + QStringLiteral("/.starter-XXXXXX"));
    if (!staging.isValid())
        throw Error(Error::Kind::Io, Text::tr("Cannot create a folder in %1.").arg(parent));
    for (const char *name : kStarterModelFiles)
        copyFile(QDir(shippedFolder).filePath(QLatin1String(name)), staging.filePath(QLatin1String(name)));
    callEngine([&] { engine::replaceFolder(staging.path().toStdString(), folder.toStdString()); });
    staging.setAutoRemove(false); // replaceFolder removed it
    return folder;
}

} // namespace mtm::core
