#include "JobsListCommand.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mtm::cli {

JobsListCommand::JobsListCommand()
    : ParsedCommand(QStringLiteral("list"), QStringLiteral("List the training jobs"))
{
    setDescription(QStringLiteral("Lists the training jobs, newest first."));
    addOptions({m_json});
}

int JobsListCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const QVector<core::JobInfo> jobs = context.core().jobs().list();
    if (parser.isSet(m_json)) {
        QJsonArray array;
        for (const core::JobInfo &job : jobs)
            array.append(job.toJson());
        context.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    if (jobs.isEmpty()) {
        context.out << "No training jobs yet. Queue one with: mtm jobs create JOB.json\n";
        return Success;
    }
    const auto row = [](const QString &id, const QString &name, const QString &method, const QString &state,
                        const QString &steps, const QString &created) {
        return QStringLiteral("%1  %2  %3  %4  %5  %6\n")
            .arg(id, 4)
            .arg(name.left(28), -28)
            .arg(method, -9)
            .arg(state, -11)
            .arg(steps, 11)
            .arg(created);
    };
    context.out << row(QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("METHOD"), QStringLiteral("STATE"),
                       QStringLiteral("STEP"), QStringLiteral("CREATED"));
    for (const core::JobInfo &job : jobs)
        context.out << row(QString::number(job.id), job.request.name, core::trainingTypeId(job.request.type),
                           core::jobStateId(job.state), QStringLiteral("%1/%2").arg(job.step).arg(job.totalSteps),
                           job.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return Success;
}

} // namespace mtm::cli
