// A training job as the user asks for it, with the REST API's field names — name, description, training_type,
// model_name, dataset_id or dataset, epochs, batch_size, learning_rate, the LoRA and the advanced settings — and
// the app's defaults for what is left out; read from JSON and checked field by field, and resolved against this
// installation (the base model by name, the dataset by id or name) into what the engine runs.
#pragma once

#include "engine/train/TrainingConfig.h"
#include "engine/train/TrainingPlan.h"
#include "rag/RagSettings.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QVector>

#include <optional>

namespace mtm::core {

class AppCore;

// The guide's methods: QLoRA, the fast LoRA path ("unsloth"), plain LoRA, full fine-tuning ("standard") and
// RAG (a vector index of the documents, not a fine-tune).
enum class TrainingType { Qlora, Unsloth, Lora, Standard, Rag };

QString trainingTypeId(TrainingType type);    // "qlora", "unsloth", "lora", "standard", "rag"
QString trainingTypeTitle(TrainingType type); // for people: "QLoRA", "Fast LoRA", "LoRA", "Standard", "RAG"
std::optional<TrainingType> trainingTypeFromId(const QString &id);
const QVector<TrainingType> &allTrainingTypes();

// What is wrong with one field of a request: its name ("epochs") and a message that names it.
struct FieldProblem
{
    QString field;
    QString message; // "\"epochs\" must be a whole number", "lora_r must be 1 to 4096"
};

struct TrainingRequest
{
    Q_DECLARE_TR_FUNCTIONS(TrainingRequest)

public:
    QString name;
    QString description;
    TrainingType type = TrainingType::Qlora;
    QString modelName = QStringLiteral("starter"); // "starter", a model folder, or a base model of this app
    QString dataset;                               // a dataset's id or name
    // The settings the engine runs with. Its paths (base model, records, job folder) are filled by resolve().
    engine::TrainingConfig settings;
    RagSettings rag; // what a RAG job builds

    // The app's defaults for a method.
    static TrainingRequest defaults(TrainingType type);
    // Reads a request; what is left out takes the defaults of its training_type. Throws Error (InvalidInput) that
    // names `where` and every field that is wrong: of the wrong type, out of range, unknown (with the nearest
    // known name) or missing.
    static TrainingRequest fromJson(const QJsonObject &json, const QString &where);
    // Every field that is wrong, one entry each, for front ends that show them by their fields (empty: fine).
    static QVector<FieldProblem> problemsOf(const QJsonObject &json);
    // Every field, with the names fromJson reads.
    QJsonObject toJson() const;
    // The chat format the job trains with ("llama3", ...), empty for the model's own template.
    QString chatFormatId() const;
    // Whether the job fine-tunes a model: every method but RAG, and RAG when it fine-tunes a generator (LoRA).
    bool trains() const { return type != TrainingType::Rag || rag.fineTuneGenerator; }

    // What the engine runs for this request in jobFolder: the base model's folder (the starter model is installed
    // first when it is asked for and missing) and the dataset's records (the sample dataset, likewise); for a RAG
    // job, its generator's LoRA run. Throws Error: NotFound for a dataset or model that is not there, InvalidInput
    // for a request that trains nothing (RAG without a generator).
    engine::TrainingConfig resolve(const AppCore &core, const QString &where, const QString &jobFolder) const;
    // The dataset's records.jsonl (the sample dataset is imported first when it is asked for and missing).
    QString recordsFile(const AppCore &core, const QString &where) const;
    // The base model's folder alone (see resolve).
    QString baseModelFolder(const AppCore &core, const QString &where) const;
    // What the job will do, before it runs: its data tokenised as the trainer will, and its steps. Throws Error.
    engine::TrainingPlan plan(const AppCore &core) const;

private:
    static TrainingRequest read(const QJsonObject &json, QVector<FieldProblem> &problems);
};

} // namespace mtm::core
