#include "jobs/TrainingRequest.h"

#include "AppCore.h"
#include "EngineCall.h"
#include "Error.h"
#include "data/DatasetCatalog.h"
#include "data/SampleDataset.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mtm::core {
namespace {

using engine::ChatFormat;
using engine::ChatTemplate;
using engine::LearningRateSchedule;

// The one description of a request's settings: each field's REST name and the engine setting it sets. Reading,
// writing and the list of known names all go through it.
template <typename Config, typename Visit> void visitSettings(Config &c, Visit &&visit)
{
    visit("epochs", c.epochs);
    visit("batch_size", c.batchSize);
    visit("gradient_accumulation_steps", c.gradientAccumulation);
    visit("learning_rate", c.learningRate);
    visit("weight_decay", c.weightDecay);
    visit("lr_scheduler_type", c.schedule);
    visit("warmup_ratio", c.warmupRatio);
    visit("warmup_steps", c.warmupSteps);
    visit("max_grad_norm", c.maxGradNorm);
    visit("max_seq_length", c.maxSequenceLength);
    visit("train_on_prompts", c.trainOnPrompts);
    visit("eval_split", c.evalFraction);
    visit("eval_count", c.evalCount);
    visit("eval_steps", c.evalEvery);
    visit("seed", c.seed);
    visit("lora_r", c.lora.rank);
    visit("lora_alpha", c.lora.alpha);
    visit("lora_dropout", c.lora.dropout);
    visit("use_rslora", c.lora.rsLora);
    visit("target_modules", c.lora.targets);
    visit("load_in_4bit", c.baseIn4Bit);
    visit("fast_path", c.qloraFastPath);
    visit("packing", c.packing);
    visit("gradient_checkpointing", c.gradientCheckpointing);
    visit("dtype", c.dtype);
    visit("device", c.device);
    visit("save_steps", c.checkpointEvery);
    visit("save_minutes", c.checkpointMinutes);
    visit("save_total_limit", c.keepCheckpoints);
    visit("max_shard_size", c.maxShardBytes);
    visit("chat_format", c.chatFormat);
}

// The fields that say what the job is rather than how it trains.
const char *const kIdentityFields[] = {"name", "description", "training_type", "model_name", "dataset_id", "dataset"};

const std::pair<LearningRateSchedule, const char *> kSchedules[] = {{LearningRateSchedule::Linear, "linear"},
                                                                    {LearningRateSchedule::Cosine, "cosine"},
                                                                    {LearningRateSchedule::Constant, "constant"}};

std::size_t editDistance(const QString &a, const QString &b)
{
    std::vector<std::size_t> row(std::size_t(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = j;
    for (qsizetype i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = std::size_t(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[std::size_t(j)];
            row[std::size_t(j)] = std::min(
                {row[std::size_t(j)] + 1, row[std::size_t(j - 1)] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row.back();
}

// Reads each setting it is shown from the JSON object, noting every value of the wrong type or kind.
class SettingsReader
{
public:
    SettingsReader(const QJsonObject &json, QVector<FieldProblem> &problems)
        : m_json(json)
        , m_problems(problems)
    {}

    void operator()(const char *key, std::int64_t &target)
    {
        readWhole(key, target, std::numeric_limits<qint64>::min());
    }
    void operator()(const char *key, std::uint64_t &target) { readWhole(key, target, 0); }
    void operator()(const char *key, double &target)
    {
        if (const QJsonValue value = find(key); !value.isUndefined())
            value.isDouble() ? void(target = value.toDouble()) : wrong(key, TrainingRequest::tr("a number"));
    }
    void operator()(const char *key, bool &target)
    {
        if (const QJsonValue value = find(key); !value.isUndefined())
            value.isBool() ? void(target = value.toBool()) : wrong(key, TrainingRequest::tr("true or false"));
    }
    void operator()(const char *key, std::optional<bool> &target)
    {
        if (const QJsonValue value = find(key); !value.isUndefined())
            value.isBool() ? void(target = value.toBool()) : wrong(key, TrainingRequest::tr("true or false"));
    }
    void operator()(const char *key, std::string &target)
    {
        if (const QJsonValue value = find(key); !value.isUndefined())
            value.isString() ? void(target = value.toString().toStdString()) : wrong(key, TrainingRequest::tr("text"));
    }
    void operator()(const char *key, std::vector<std::string> &target)
    {
        const QJsonValue value = find(key);
        if (value.isUndefined())
            return;
        const QJsonArray array = value.toArray();
        const bool allText = value.isArray() && std::all_of(array.begin(), array.end(),
                                                            [](const QJsonValue &item) { return item.isString(); });
        if (!allText) {
            wrong(key, TrainingRequest::tr("a list of names"));
            return;
        }
        target.clear();
        for (const QJsonValue &item : array)
            target.push_back(item.toString().toStdString());
    }
    void operator()(const char *key, LearningRateSchedule &target)
    {
        if (!find(key).isString()) {
            std::string ignored;
            operator()(key, ignored); // absent: the default; of another type: said so
            return;
        }
        std::string id = find(key).toString().toStdString();
        if (id == "constant_with_warmup") // transformers' name for the same schedule
            id = "constant";
        for (const auto &[schedule, name] : kSchedules)
            if (id == name) {
                target = schedule;
                return;
            }
        m_problems.append({QLatin1String(key), TrainingRequest::tr("unknown %1 \"%2\" (linear, cosine or constant)")
                                                   .arg(QLatin1String(key), QString::fromStdString(id))});
    }
    void operator()(const char *key, std::optional<ChatFormat> &target)
    {
        if (!find(key).isString()) {
            std::string ignored;
            operator()(key, ignored); // absent: the model's own format; of another type: said so
            return;
        }
        const std::string id = find(key).toString().toStdString();
        target = ChatTemplate::formatFromId(id);
        if (!target)
            m_problems.append({QLatin1String(key), TrainingRequest::tr("unknown %1 \"%2\" (llama3, llama31, chatml, "
                                                                       "mistral, gemma, phi3 or alpaca)")
                                                       .arg(QLatin1String(key), QString::fromStdString(id))});
    }

private:
    // The field's value; undefined when it is absent or null (both mean: the default).
    QJsonValue find(const char *key) const
    {
        const QJsonValue value = m_json.value(QLatin1String(key));
        return value.isNull() ? QJsonValue(QJsonValue::Undefined) : value;
    }
    void wrong(const char *key, const QString &expected)
    {
        m_problems.append(
            {QLatin1String(key), TrainingRequest::tr("\"%1\" must be %2").arg(QLatin1String(key), expected)});
    }
    template <typename Whole> void readWhole(const char *key, Whole &target, qint64 minimum)
    {
        const QJsonValue value = find(key);
        if (value.isUndefined())
            return;
        const double number = value.toDouble();
        if (!value.isDouble() || number != std::floor(number) || number < double(minimum) || number > 9.0e18)
            wrong(key, minimum < 0 ? TrainingRequest::tr("a whole number")
                                   : TrainingRequest::tr("a whole number, 0 or more"));
        else
            target = Whole(value.toInteger());
    }

    const QJsonObject &m_json;
    QVector<FieldProblem> &m_problems;
};

// Writes each setting it is shown into a JSON object with the names the reader reads.
class SettingsWriter
{
public:
    explicit SettingsWriter(QJsonObject &json)
        : m_json(json)
    {}

    void operator()(const char *key, std::int64_t value) { set(key, qint64(value)); }
    void operator()(const char *key, std::uint64_t value) { set(key, qint64(value)); }
    void operator()(const char *key, double value) { set(key, value); }
    void operator()(const char *key, bool value) { set(key, value); }
    void operator()(const char *key, const std::optional<bool> &value)
    {
        if (value)
            set(key, *value);
    }
    void operator()(const char *key, const std::string &value) { set(key, QString::fromStdString(value)); }
    void operator()(const char *key, const std::vector<std::string> &value)
    {
        QJsonArray array;
        for (const std::string &item : value)
            array.append(QString::fromStdString(item));
        set(key, array);
    }
    void operator()(const char *key, LearningRateSchedule value)
    {
        for (const auto &[schedule, name] : kSchedules)
            if (schedule == value)
                set(key, QLatin1String(name));
    }
    void operator()(const char *key, const std::optional<ChatFormat> &value)
    {
        if (value)
            set(key, QString::fromStdString(ChatTemplate::formatId(*value)));
    }

private:
    void set(const char *key, const QJsonValue &value) { m_json.insert(QLatin1String(key), value); }

    QJsonObject &m_json;
};

// "unknown setting "learning_rat" (did you mean "learning_rate"?)" for each field no one reads.
void noteUnknownFields(const QJsonObject &json, QVector<FieldProblem> &problems)
{
    QStringList known;
    for (const char *field : kIdentityFields)
        known << QLatin1String(field);
    engine::TrainingConfig names;
    visitSettings(names, [&](const char *key, auto &) { known << QLatin1String(key); });
    RagSettings ragNames;
    visitRagSettings(ragNames, [&](const char *key, auto &) { known << QLatin1String(key); });
    for (const QString &key : json.keys()) {
        if (known.contains(key))
            continue;
        const auto closest = std::min_element(known.begin(), known.end(), [&](const QString &a, const QString &b) {
            return editDistance(key, a) < editDistance(key, b);
        });
        problems.append(
            {key, editDistance(key, *closest) <= 3
                      ? TrainingRequest::tr("unknown setting \"%1\" (did you mean \"%2\"?)").arg(key, *closest)
                      : TrainingRequest::tr("unknown setting \"%1\"").arg(key)});
    }
}

engine::TrainingMethod engineMethod(TrainingType type)
{
    switch (type) {
    case TrainingType::Unsloth:
        return engine::TrainingMethod::FastLora;
    case TrainingType::Lora:
    case TrainingType::Rag: // its generator, when it fine-tunes one
        return engine::TrainingMethod::Lora;
    case TrainingType::Standard:
        return engine::TrainingMethod::Full;
    case TrainingType::Qlora:
        break;
    }
    return engine::TrainingMethod::Qlora;
}

} // namespace

QString trainingTypeId(TrainingType type)
{
    switch (type) {
    case TrainingType::Qlora:
        return QStringLiteral("qlora");
    case TrainingType::Unsloth:
        return QStringLiteral("unsloth");
    case TrainingType::Lora:
        return QStringLiteral("lora");
    case TrainingType::Standard:
        return QStringLiteral("standard");
    case TrainingType::Rag:
        break;
    }
    return QStringLiteral("rag");
}

QString trainingTypeTitle(TrainingType type)
{
    switch (type) {
    case TrainingType::Qlora:
        return TrainingRequest::tr("QLoRA");
    case TrainingType::Unsloth:
        return TrainingRequest::tr("Fast LoRA");
    case TrainingType::Lora:
        return TrainingRequest::tr("LoRA");
    case TrainingType::Standard:
        return TrainingRequest::tr("Standard");
    case TrainingType::Rag:
        break;
    }
    return TrainingRequest::tr("RAG");
}

std::optional<TrainingType> trainingTypeFromId(const QString &id)
{
    for (const TrainingType type : allTrainingTypes())
        if (trainingTypeId(type) == id)
            return type;
    return std::nullopt;
}

const QVector<TrainingType> &allTrainingTypes()
{
    static const QVector<TrainingType> types = {TrainingType::Qlora, TrainingType::Unsloth, TrainingType::Lora,
                                                TrainingType::Standard, TrainingType::Rag};
    return types;
}

TrainingRequest TrainingRequest::defaults(TrainingType type)
{
    TrainingRequest request;
    request.type = type;
    engine::TrainingConfig &s = request.settings;
    s.method = engineMethod(type);
    s.epochs = 3;
    s.batchSize = 4;
    s.learningRate = 2e-4;
    s.maxSequenceLength = 512;
    s.lora.rank = 16;
    s.lora.alpha = 32;
    // QLoRA runs on the fast path, which trains without LoRA dropout, as Unsloth's does; plain LoRA keeps the
    // guide's dropout (and so does QLoRA with fast_path false, LibTorch's autograd: the reference).
    s.qloraFastPath = true;
    s.lora.dropout = type == TrainingType::Unsloth || type == TrainingType::Qlora ? 0.0 : 0.05;
    return request;
}

TrainingRequest TrainingRequest::read(const QJsonObject &json, QVector<FieldProblem> &problems)
{
    const QJsonValue typeValue = json.value(QLatin1String("training_type"));
    const QString typeId = typeValue.isString() ? typeValue.toString() : QStringLiteral("qlora");
    // The engine's names for two methods are accepted too, as they always were.
    const QString canonical = typeId == QLatin1String("fast_lora") ? QStringLiteral("unsloth")
                              : typeId == QLatin1String("full")    ? QStringLiteral("standard")
                                                                   : typeId;
    const std::optional<TrainingType> type = trainingTypeFromId(canonical);
    if (!typeValue.isUndefined() && !typeValue.isNull() && !typeValue.isString())
        problems.append({QStringLiteral("training_type"), tr("\"training_type\" must be text")});
    else if (!type)
        problems.append({QStringLiteral("training_type"),
                         tr("unknown training_type \"%1\" (qlora, unsloth, lora, standard or rag)").arg(typeId)});

    TrainingRequest request = defaults(type.value_or(TrainingType::Qlora));
    const auto readText = [&](const char *key, QString &target) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isString())
            target = value.toString();
        else if (!value.isUndefined() && !value.isNull())
            problems.append({QLatin1String(key), tr("\"%1\" must be text").arg(QLatin1String(key))});
    };
    readText("name", request.name);
    readText("description", request.description);
    readText("model_name", request.modelName);
    if (request.modelName.isEmpty())
        request.modelName = QStringLiteral("starter");

    const QJsonValue datasetId = json.value(QLatin1String("dataset_id"));
    const QJsonValue dataset = json.value(QLatin1String("dataset"));
    if (datasetId.isDouble())
        request.dataset = QString::number(datasetId.toInteger());
    else if (!datasetId.isUndefined() && !datasetId.isNull())
        problems.append({QStringLiteral("dataset_id"), tr("\"dataset_id\" must be a number")});
    else if (dataset.isDouble())
        request.dataset = QString::number(dataset.toInteger());
    else if (dataset.isString() && !dataset.toString().trimmed().isEmpty())
        request.dataset = dataset.toString().trimmed();
    else
        problems.append(
            {QStringLiteral("dataset"), tr("say which dataset to train on (dataset_id, or dataset with its name)")});

    visitSettings(request.settings, SettingsReader(json, problems));
    visitRagSettings(request.rag, SettingsReader(json, problems));
    const RagSettings &rag = request.rag;
    if (rag.chunkUnit != "tokens" && rag.chunkUnit != "characters")
        problems.append(
            {QStringLiteral("chunk_unit"),
             tr("unknown chunk_unit \"%1\" (tokens or characters)").arg(QString::fromStdString(rag.chunkUnit))});
    if (rag.chunkSize < 8 || rag.chunkSize > 100000)
        problems.append({QStringLiteral("chunk_size"), tr("chunk_size must lie between 8 and 100000")});
    if (rag.chunkOverlap < 0 || rag.chunkOverlap >= rag.chunkSize)
        problems.append(
            {QStringLiteral("chunk_overlap"), tr("chunk_overlap must be 0 or more and less than chunk_size")});
    if (rag.hnswFrom < 1)
        problems.append({QStringLiteral("hnsw_from"), tr("hnsw_from must be 1 or more")});
    noteUnknownFields(json, problems);
    // The ranges are the trainer's: it knows what it can run (a RAG job trains only when it fine-tunes a
    // generator). Its paths are filled by resolve().
    engine::TrainingConfig check = request.settings;
    check.baseModel = check.records = check.outputDirectory = "-";
    const auto engineProblems = request.trains() ? check.problems() : std::vector<engine::SettingProblem>();
    for (const engine::SettingProblem &problem : engineProblems) {
        const QString field = QString::fromStdString(problem.setting);
        problems.append({field, QStringLiteral("%1 %2").arg(field, QString::fromStdString(problem.problem))});
    }
    return request;
}

TrainingRequest TrainingRequest::fromJson(const QJsonObject &json, const QString &where)
{
    QVector<FieldProblem> problems;
    TrainingRequest request = read(json, problems);
    if (!problems.isEmpty()) {
        QStringList messages;
        for (const FieldProblem &problem : problems)
            messages << problem.message;
        throw Error(Error::Kind::InvalidInput,
                    QStringLiteral("%1: %2").arg(where, messages.join(QStringLiteral("; "))));
    }
    return request;
}

QVector<FieldProblem> TrainingRequest::problemsOf(const QJsonObject &json)
{
    QVector<FieldProblem> problems;
    read(json, problems);
    return problems;
}

QJsonObject TrainingRequest::toJson() const
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("description"), description},
                     {QStringLiteral("training_type"), trainingTypeId(type)},
                     {QStringLiteral("model_name"), modelName},
                     {QStringLiteral("dataset"), dataset}};
    visitSettings(settings, SettingsWriter(json));
    if (type == TrainingType::Rag) {
        RagSettings written = rag;
        visitRagSettings(written, SettingsWriter(json));
    }
    return json;
}

QString TrainingRequest::chatFormatId() const
{
    return settings.chatFormat ? QString::fromStdString(ChatTemplate::formatId(*settings.chatFormat)) : QString();
}

engine::TrainingConfig TrainingRequest::resolve(const AppCore &core, const QString &where,
                                                const QString &jobFolder) const
{
    if (!trains())
        throw Error(Error::Kind::InvalidInput,
                    tr("%1: this RAG job builds a vector index of the documents; it fine-tunes nothing "
                       "(fine_tune_generator is false)")
                        .arg(where));
    engine::TrainingConfig config = settings;
    config.records = recordsFile(core, where).toStdString();
    config.outputDirectory = QFileInfo(jobFolder).absoluteFilePath().toStdString();
    config.baseModel = baseModelFolder(core, where).toStdString();
    return config;
}

QString TrainingRequest::recordsFile(const AppCore &core, const QString &where) const
{
    provideSampleDataset(core, dataset);
    const std::optional<DatasetInfo> found = core.datasets().findByIdOrName(dataset);
    if (!found)
        throw Error(Error::Kind::NotFound, tr("%1: there is no dataset \"%2\"").arg(where, dataset));
    return found->recordsFile();
}

engine::TrainingPlan TrainingRequest::plan(const AppCore &core) const
{
    const engine::TrainingConfig config = resolve(core, tr("the job"), QDir::tempPath());
    return callEngine([&] { return engine::planTraining(config); });
}

QString TrainingRequest::baseModelFolder(const AppCore &core, const QString &where) const
{
    const auto isModelFolder = [](const QString &folder) {
        return QFileInfo(folder + QStringLiteral("/config.json")).isFile();
    };
    const QString baseModels = core.dataDirectory().modelsDirectory() + QStringLiteral("/base");
    if (modelName == QLatin1String("starter"))
        return core.starterModel();
    if (isModelFolder(modelName))
        return QFileInfo(modelName).absoluteFilePath();
    if (!modelName.contains(QLatin1Char('/')) && isModelFolder(baseModels + QLatin1Char('/') + modelName))
        return baseModels + QLatin1Char('/') + modelName;
    throw Error(Error::Kind::NotFound,
                tr("%1: model_name \"%2\" is not a model folder (a folder with config.json, the weights in "
                   "safetensors and tokenizer.json) nor a base model of this app (%3); use \"starter\" for the "
                   "built-in starter model.")
                    .arg(where, modelName, QDir::toNativeSeparators(baseModels)));
}

} // namespace mtm::core
