// One training job as the store keeps it: what was asked for (the request, with the REST API's fields), where it
// stands (state, steps, the error that ended it), where its files are, and when things happened.
#pragma once

#include "jobs/JobState.h"
#include "jobs/TrainingRequest.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace mtm::core {

struct JobInfo
{
    qint64 id = 0;
    TrainingRequest request;
    std::optional<qint64> datasetId; // empty once the dataset was deleted
    JobState state = JobState::Queued;
    qint64 step = 0;
    qint64 totalSteps = 0;
    QString error;     // why a job failed or was interrupted
    QString directory; // absolute: <data>/models/job_<id>
    QDateTime createdAt;
    QDateTime startedAt;  // the first time it ran
    QDateTime finishedAt; // when it last ended
    QDateTime updatedAt;
    bool cancelRequested = false;

    // 0 to 1.
    double progress() const { return totalSteps > 0 ? double(step) / double(totalSteps) : 0.0; }
    bool isFinished() const;
    // Where the method writes its result: <directory>/qlora_model, lora_model, standard_model or rag_model.
    QString outputFolder() const;
    // The job's language model: its output folder for a fine-tune, <directory>/lora_model (beside rag_model) for a
    // RAG job that fine-tunes a generator, empty for a RAG job that does not.
    QString modelFolder() const;
    // What the job's download holds: its output folder, and a RAG job's generator too.
    QStringList resultFolders() const;
    QString checkpointsFolder() const { return directory + QStringLiteral("/checkpoints"); }

    // The job as the REST API and `mtm jobs --json` show it: the request's fields, then id, state, step,
    // total_steps, progress, error, output_dir and the times.
    QJsonObject toJson() const;
    // Where it stands, as scripts follow it (GET /api/v1/jobs/{id}/status, `mtm jobs status --json`): id, state,
    // progress, step, total_steps, loss, eta_seconds and error (null when unknown).
    QJsonObject statusJson(std::optional<double> loss, std::optional<double> etaSeconds) const;
};

} // namespace mtm::core
