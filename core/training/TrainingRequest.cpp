#include "training/TrainingRequest.h"

#include "Error.h"
#include "data/DatasetCatalog.h"
#include "engine/EngineError.h"
#include "engine/train/TrainingConfig.h"
#include "model/ModelFactory.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace mtm::core {
namespace {

nlohmann::json toEngineJson(const QJsonObject &object)
{
    return nlohmann::json::parse(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString());
}

QString resolveModel(const QString &name, const QString &where, const DataDirectory &dataDirectory,
                     const QString &shippedStarterModel)
{
    if (name.isEmpty() || name == QLatin1String("starter"))
        return installStarterModel(dataDirectory, shippedStarterModel);
    const auto isModelFolder = [](const QString &folder) {
        return QFileInfo(folder + QStringLiteral("/config.json")).isFile();
    };
    if (isModelFolder(name))
        return QFileInfo(name).absoluteFilePath();
    const QString underModels = dataDirectory.modelsDirectory() + QStringLiteral("/base/") + name;
    if (!name.contains(QLatin1Char('/')) && isModelFolder(underModels))
        return underModels;
    throw Error(
        QStringLiteral("%1: model_name \"%2\" is not a model folder (a folder with config.json, the "
                       "weights in safetensors and tokenizer.json) nor a base model of this app (%3); "
                       "use \"starter\" for the built-in starter model.")
            .arg(where, name, QDir::toNativeSeparators(dataDirectory.modelsDirectory() + QStringLiteral("/base"))));
}

QString resolveDataset(const QJsonObject &request, const QString &where, const DatasetCatalog &catalog)
{
    QString key;
    if (request.contains(QLatin1String("dataset_id"))) {
        const QJsonValue value = request.value(QLatin1String("dataset_id"));
        if (!value.isDouble())
            throw Error(QStringLiteral("%1: dataset_id must be a number").arg(where));
        key = QString::number(value.toInteger());
    } else if (request.value(QLatin1String("dataset")).isString()) {
        key = request.value(QLatin1String("dataset")).toString();
    } else if (request.value(QLatin1String("dataset")).isDouble()) {
        key = QString::number(request.value(QLatin1String("dataset")).toInteger());
    } else {
        throw Error(
            QStringLiteral("%1: say which dataset to train on (dataset_id, or dataset with its name)").arg(where));
    }
    const std::optional<DatasetInfo> dataset = catalog.findByIdOrName(key);
    if (!dataset)
        throw Error(QStringLiteral("%1: there is no dataset \"%2\" (`mtm datasets list` shows them)").arg(where, key));
    return dataset->recordsFile();
}

} // namespace

QJsonObject resolveTrainingRequest(const QJsonObject &request, const QString &where, const DataDirectory &dataDirectory,
                                   const DatasetCatalog &catalog, const QString &shippedStarterModel,
                                   const QString &jobFolder)
{
    QJsonObject resolved = request;
    resolved.remove(QLatin1String("dataset_id"));
    resolved.remove(QLatin1String("name"));
    resolved.remove(QLatin1String("description"));
    resolved.insert(QLatin1String("dataset"), resolveDataset(request, where, catalog));
    resolved.insert(QLatin1String("output_dir"), QFileInfo(jobFolder).absoluteFilePath());
    // The settings are checked before the model is looked for, so that a typo is reported at once.
    QJsonObject check = resolved;
    check.insert(QLatin1String("model_name"), QStringLiteral("-"));
    try {
        engine::TrainingConfig::fromJson(toEngineJson(check), where.toStdString());
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
    resolved.insert(QLatin1String("model_name"), resolveModel(request.value(QLatin1String("model_name")).toString(),
                                                              where, dataDirectory, shippedStarterModel));
    return resolved;
}

QString outputFolderName(const QJsonObject &resolved)
{
    try {
        return QString::fromStdString(
            engine::TrainingConfig::fromJson(toEngineJson(resolved), "the job").outputFolderName());
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

} // namespace mtm::core
