#include "JobsCreateCommand.h"

#include "AppCore.h"
#include "JobFollower.h"
#include "JsonFile.h"
#include "jobs/JobQueue.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mtm::cli {
namespace {

// "3" → 3, "true" → true, "[\"q_proj\"]" → a list; anything else is text.
QJsonValue valueOf(const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(text).toUtf8());
    if (document.isArray() && document.array().size() == 1)
        return document.array().first();
    return text;
}

} // namespace

JobsCreateCommand::JobsCreateCommand()
    : ParsedCommand(QStringLiteral("create"), QStringLiteral("Queue a training job"))
{
    setDescription(QStringLiteral(
        "Queues a training job described with the fields of the REST API — name, description, training_type (qlora, "
        "unsloth, lora, standard), model_name (\"starter\", a model folder or a base model of this app), dataset_id "
        "or dataset (an id or a name), epochs, batch_size, learning_rate and the settings of docs/training.md — from "
        "JOB.json, from --set, or both. The desktop app runs queued jobs while it is open; --wait runs it here."));
    addPositional(QStringLiteral("JOB.json"), QStringLiteral("The job description (optional)."),
                  QStringLiteral("[JOB.json]"));
    setArgumentCount(0, 1);
    addOptions({m_set, m_wait, m_logEvery, m_json});
}

int JobsCreateCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto every = numberOption(parser, m_logEvery, 1, 1e9, context);
    if (!every)
        return UsageError;
    const QString file = parser.positionalArguments().value(0);
    QJsonObject fields = file.isEmpty() ? QJsonObject() : readJsonObject(file);
    for (const QString &pair : parser.values(m_set)) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return usageError(QStringLiteral("--set %1 is not FIELD=VALUE.").arg(pair), context);
        fields.insert(pair.left(equals).trimmed(), valueOf(pair.mid(equals + 1)));
    }
    const QString where = file.isEmpty() ? QStringLiteral("the job") : file;
    const core::JobInfo job = context.core().queue().create(core::TrainingRequest::fromJson(fields, where));
    if (parser.isSet(m_json))
        context.out << QJsonDocument(job.toJson()).toJson(QJsonDocument::Indented);
    else
        context.out << "Created job " << job.id << " (" << job.request.name << ").\n";
    context.out.flush();
    return parser.isSet(m_wait) ? followJobs(context, job.id, qint64(*every)) : Success;
}

} // namespace mtm::cli
