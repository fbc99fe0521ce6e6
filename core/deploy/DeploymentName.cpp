#include "deploy/DeploymentName.h"

#include "jobs/JobInfo.h"

#include <QRegularExpression>

namespace mtm::core {

QString deploymentName(const JobInfo &job)
{
    QString name = job.request.name.toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9._-]+")), QStringLiteral("-"));
    name.remove(QRegularExpression(QStringLiteral("^[-._]+|[-._]+$")));
    return name.isEmpty() ? QStringLiteral("job-%1").arg(job.id) : name.left(60);
}

} // namespace mtm::core
