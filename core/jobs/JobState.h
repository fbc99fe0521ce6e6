// The states of a training job: queued → running → completed | failed | cancelled | interrupted (found running
// when the app starts again after a crash), with the names the store and the REST API use.
#pragma once

#include <QString>
#include <QVector>

#include <optional>

namespace mtm::core {

enum class JobState { Queued, Running, Completed, Failed, Cancelled, Interrupted };

QString jobStateId(JobState state); // "queued", "running", ...
std::optional<JobState> jobStateFromId(const QString &id);
const QVector<JobState> &allJobStates();

} // namespace mtm::core
