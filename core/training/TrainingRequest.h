// A training request with the REST API's fields (training_type, model_name, dataset_id or dataset, epochs,
// batch_size, learning_rate, the LoRA and advanced settings) resolved against this installation: the base model
// by name ("starter", a model folder, or a folder under models/base) and the dataset by id or name from the
// catalog, into the settings the engine runs, with the job's folder. Checked in full before anything runs.
#pragma once

#include <QJsonObject>
#include <QString>

namespace mtm::core {

class DataDirectory;
class DatasetCatalog;

// Throws Error naming `where` and the field when something is wrong or cannot be found. The starter model is
// installed first when it is asked for and missing (shippedStarterModel: the app's resources).
QJsonObject resolveTrainingRequest(const QJsonObject &request, const QString &where, const DataDirectory &dataDirectory,
                                   const DatasetCatalog &catalog, const QString &shippedStarterModel,
                                   const QString &jobFolder);

// The output folder a method writes into: qlora_model, lora_model or standard_model.
QString outputFolderName(const QJsonObject &resolved);

} // namespace mtm::core
