#include "model/ModelFactory.h"

#include "Error.h"
#include "engine/EngineError.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/BpeTrainer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace mtm::core {
namespace {

const char kStarterChatTemplate[] =
    "{% for message in messages %}{% if loop.index0 == 0 %}{{ bos_token }}{% endif %}{{ '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if "
    "add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

void copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    if (!QFile::copy(from, to))
        throw Error(QStringLiteral("Cannot copy %1 to %2.").arg(from, to));
    QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                             QFileDevice::ReadOther);
}

} // namespace

void makeTinyModel(const TinyModelSpec &spec, const QString &folder)
{
    try {
        engine::ModelConfig config;
        if (spec.family == QLatin1String("llama"))
            config.family = engine::ModelFamily::Llama;
        else if (spec.family == QLatin1String("mistral"))
            config.family = engine::ModelFamily::Mistral;
        else if (spec.family == QLatin1String("qwen2"))
            config.family = engine::ModelFamily::Qwen2;
        else
            throw Error(QStringLiteral("Unknown model family \"%1\" (use llama, mistral or qwen2).").arg(spec.family));
        if (spec.hiddenSize % spec.heads != 0 || spec.heads % spec.kvHeads != 0 || (spec.hiddenSize / spec.heads) % 2)
            throw Error(QStringLiteral("The hidden size must split into an even head size, and the heads into the "
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
            throw Error(QStringLiteral("Cannot create the folder %1.").arg(folder));
        engine::saveTransformer(model, folder.toStdString(), engine::dtypeFromName(spec.dtype.toStdString()),
                                generation);
        for (const char *name : {"tokenizer.json", "tokenizer_config.json"}) {
            const QString source = QDir(spec.tokenizerFolder).filePath(QLatin1String(name));
            if (QFileInfo::exists(source))
                copyFile(source, QDir(folder).filePath(QLatin1String(name)));
        }
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

void trainTokenizer(const QStringList &files, int vocabularySize, const QString &folder)
{
    std::vector<std::string> texts;
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
        texts.push_back(file.readAll().toStdString());
    }
    const std::vector<std::string> special = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                              "<|end_header_id|>", "<|eot_id|>"};
    try {
        const engine::TrainedBpe bpe = engine::trainByteLevelBpe(texts, vocabularySize, special);
        engine::writeTrainedTokenizer(bpe, folder.toStdString(), "<|begin_of_text|>", "<|end_of_text|>",
                                      kStarterChatTemplate);
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

TinyModelSpec starterModelSpec(const QString &tokenizerFolder)
{
    TinyModelSpec spec;
    spec.family = QStringLiteral("llama");
    spec.hiddenSize = 256;
    spec.layers = 4;
    spec.heads = 4;
    spec.kvHeads = 2;
    spec.intermediateSize = 688;
    spec.maxPositions = 1024;
    spec.seed = 20261124;
    spec.tokenizerFolder = tokenizerFolder;
    return spec;
}

QString starterModelFolder(const DataDirectory &dataDirectory)
{
    return dataDirectory.modelsDirectory() + QStringLiteral("/base/starter");
}

QString installStarterModel(const DataDirectory &dataDirectory, const QString &tokenizerFolder)
{
    const QString folder = starterModelFolder(dataDirectory);
    if (QFileInfo::exists(folder + QStringLiteral("/config.json")) &&
        QFileInfo::exists(folder + QStringLiteral("/model.safetensors")))
        return folder;
    // Made in a temporary folder beside the target and renamed into place, so that it is whole or absent.
    const QString parent = QFileInfo(folder).absolutePath();
    if (!QDir().mkpath(parent))
        throw Error(QStringLiteral("Cannot create the folder %1.").arg(parent));
    QTemporaryDir staging(parent + QStringLiteral("/.starter-XXXXXX"));
    if (!staging.isValid())
        throw Error(QStringLiteral("Cannot create a folder in %1.").arg(parent));
    // A resource folder (":/...") is copied out first: the engine reads plain files.
    const QString tokenizer = staging.filePath(QStringLiteral("tokenizer"));
    QDir().mkpath(tokenizer);
    for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
        copyFile(QDir(tokenizerFolder).filePath(QLatin1String(name)), QDir(tokenizer).filePath(QLatin1String(name)));
    const QString model = staging.filePath(QStringLiteral("model"));
    makeTinyModel(starterModelSpec(tokenizer), model);
    QDir(folder).removeRecursively();
    if (!QDir().rename(model, folder))
        throw Error(QStringLiteral("Cannot move the starter model into %1.").arg(folder));
    return folder;
}

} // namespace mtm::core
