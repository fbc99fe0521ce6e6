#include "jobs/JobInfo.h"

namespace mtm::core {

bool JobInfo::isFinished() const
{
    return state == JobState::Completed || state == JobState::Failed || state == JobState::Cancelled;
}

QString JobInfo::outputFolder() const
{
    switch (request.type) {
    case TrainingType::Qlora:
        return directory + QStringLiteral("/qlora_model");
    case TrainingType::Unsloth:
    case TrainingType::Lora:
        return directory + QStringLiteral("/lora_model");
    case TrainingType::Standard:
        return directory + QStringLiteral("/standard_model");
    case TrainingType::Rag:
        break;
    }
    return directory + QStringLiteral("/rag_model");
}

QString JobInfo::modelFolder() const
{
    if (request.type != TrainingType::Rag)
        return outputFolder();
    return request.rag.fineTuneGenerator ? directory + QStringLiteral("/lora_model") : QString();
}

QStringList JobInfo::resultFolders() const
{
    QStringList folders{outputFolder()};
    if (modelFolder() != outputFolder() && !modelFolder().isEmpty())
        folders << modelFolder();
    return folders;
}

QJsonObject JobInfo::toJson() const
{
    const auto time = [](const QDateTime &when) {
        return when.isValid() ? QJsonValue(when.toString(Qt::ISODate)) : QJsonValue();
    };
    QJsonObject json = request.toJson();
    json.insert(QStringLiteral("id"), id);
    json.insert(QStringLiteral("dataset_id"), datasetId ? QJsonValue(*datasetId) : QJsonValue());
    json.insert(QStringLiteral("state"), jobStateId(state));
    json.insert(QStringLiteral("step"), step);
    json.insert(QStringLiteral("total_steps"), totalSteps);
    json.insert(QStringLiteral("progress"), progress());
    json.insert(QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error));
    json.insert(QStringLiteral("output_dir"), outputFolder());
    json.insert(QStringLiteral("created_at"), time(createdAt));
    json.insert(QStringLiteral("started_at"), time(startedAt));
    json.insert(QStringLiteral("finished_at"), time(finishedAt));
    return json;
}

QJsonObject JobInfo::statusJson(std::optional<double> loss, std::optional<double> etaSeconds) const
{
    const auto number = [](std::optional<double> value) { return value ? QJsonValue(*value) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("state"), jobStateId(state)},
                       {QStringLiteral("progress"), progress()},
                       {QStringLiteral("step"), step},
                       {QStringLiteral("total_steps"), totalSteps},
                       {QStringLiteral("loss"), number(loss)},
                       {QStringLiteral("eta_seconds"), number(etaSeconds)},
                       {QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error)}};
}

} // namespace mtm::core
