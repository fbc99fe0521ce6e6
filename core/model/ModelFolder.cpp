#include "model/ModelFolder.h"

#include "EngineCall.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/ModelConfig.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ModelFolder)
};

} // namespace

QString ModelFolderSummary::describe() const
{
    const QString size = parameters >= 1000000000 ? Text::tr("%1 B").arg(double(parameters) / 1e9, 0, 'f', 1)
                                                  : Text::tr("%1 M").arg(double(parameters) / 1e6, 0, 'f', 1);
    return Text::tr("%1, %2 parameters, stored in %3").arg(family, size, dtype);
}

ModelFolderSummary inspectModelFolder(const QString &folder)
{
    if (!QFileInfo(folder + QStringLiteral("/config.json")).isFile())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is not a model folder: it has no config.json.").arg(folder));
    if (!QFileInfo(folder + QStringLiteral("/tokenizer.json")).isFile())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 has no tokenizer.json; the app reads Hugging Face tokenizers.").arg(folder));
    return callEngine([&] {
        const std::string path = folder.toStdString();
        const engine::ModelConfig config = engine::ModelConfig::fromFile(path + "/config.json");
        const auto weights = engine::checkpointWeightMap(path);
        if (weights.empty())
            throw Error(Error::Kind::InvalidInput, Text::tr("%1 holds no weights in safetensors.").arg(folder));
        const engine::SafetensorsFile first(weights.begin()->second);
        const engine::SafetensorsEntry *entry = first.find(weights.begin()->first);
        ModelFolderSummary summary;
        summary.family = QString::fromStdString(config.modelType());
        summary.parameters = config.parameterCount();
        summary.dtype = entry ? QString::fromStdString(entry->dtype).toLower() : QString();
        if (summary.dtype == QLatin1String("bf16"))
            summary.dtype = QStringLiteral("bfloat16");
        else if (summary.dtype == QLatin1String("f16"))
            summary.dtype = QStringLiteral("float16");
        else if (summary.dtype == QLatin1String("f32"))
            summary.dtype = QStringLiteral("float32");
        return summary;
    });
}

bool isAdapterFolder(const QString &folder)
{
    return QFileInfo(folder + QStringLiteral("/adapter_config.json")).isFile() &&
           !QFileInfo(folder + QStringLiteral("/config.json")).isFile();
}

QString adapterBaseFolder(const QString &adapter)
{
    QFile file(adapter + QStringLiteral("/adapter_config.json"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::InvalidInput, Text::tr("Cannot read %1: %2").arg(file.fileName(), file.errorString()));
    const QString base =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("base_model_name_or_path")).toString();
    if (base.isEmpty() || !QFileInfo(base + QStringLiteral("/config.json")).isFile())
        throw Error(Error::Kind::NotFound,
                    Text::tr("The adapter %1 was trained on \"%2\", which is not a model folder on this computer. "
                             "Give the base model's folder as the model and this folder as the adapter.")
                        .arg(adapter, base));
    return base;
}

QString baseModelFolderOf(const QString &folder)
{
    return isAdapterFolder(folder) ? adapterBaseFolder(folder) : folder;
}

} // namespace mtm::core
