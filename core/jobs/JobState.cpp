#include "jobs/JobState.h"

namespace mtm::core {

QString jobStateId(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::Completed:
        return QStringLiteral("completed");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    case JobState::Interrupted:
        break;
    }
    return QStringLiteral("interrupted");
}

std::optional<JobState> jobStateFromId(const QString &id)
{
    for (const JobState state : allJobStates())
        if (jobStateId(state) == id)
            return state;
    return std::nullopt;
}

const QVector<JobState> &allJobStates()
{
    static const QVector<JobState> states = {JobState::Queued, JobState::Running,   JobState::Completed,
                                             JobState::Failed, JobState::Cancelled, JobState::Interrupted};
    return states;
}

} // namespace mtm::core
