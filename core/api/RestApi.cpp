#include "api/RestApi.h"

#include "AppCore.h"
#include "Error.h"
#include "api/OpenApi.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "data/MappingChoice.h"
#include "data/SampleDataset.h"
#include "deploy/JobDownload.h"
#include "http/MultipartUpload.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <optional>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RestApi)
};

HttpResponse jsonArray(int status, const QJsonArray &array)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(array).toJson(QJsonDocument::Compact);
    return response;
}

// A message without the paths of this computer: each absolute path becomes its last part ("lora_model").
QString withoutPaths(QString message)
{
    static const QRegularExpression path(QStringLiteral("(?<![\\w.~])(?:~)?/(?:[^\\s\"'()/]+/)+([^\\s\"'()/]*)"));
    return message.replace(path, QStringLiteral("\\1"));
}

// The one translation of the core's errors into answers.
HttpResponse answerFor(const Error &error)
{
    switch (error.kind()) {
    case Error::Kind::InvalidInput:
        return HttpResponse::error(422, withoutPaths(error.message()));
    case Error::Kind::NotFound:
        return HttpResponse::error(404, withoutPaths(error.message()));
    case Error::Kind::Conflict:
    case Error::Kind::Cancelled:
        return HttpResponse::error(409, withoutPaths(error.message()));
    case Error::Kind::Io:
    case Error::Kind::Internal:
        break;
    }
    return HttpResponse::error(500, withoutPaths(error.message()));
}

bool sameText(const QByteArray &a, const QByteArray &b) // in time that does not tell where they differ
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

// A file name a client gave, reduced to its last part and to letters, digits, dot, dash and underscore.
QString safeFileName(const QString &given)
{
    QString name = given.section(QLatin1Char('/'), -1).section(QLatin1Char('\\'), -1);
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    return name.isEmpty() ? QStringLiteral("upload") : name.left(120);
}

} // namespace

struct RestApi::Impl
{
    explicit Impl(AppCore &core)
        : core(core)
    {}

    AppCore &core;
    RestApiOptions options;
    std::unique_ptr<HttpService> service;
    QObject relay; // lives on the core's thread: hears the queue's progress
    mutable QMutex mutex;
    QHash<qint64, QPair<double, double>> running; // a job's last loss and seconds left, as the queue told them

    // Runs on the thread of the core's queue, where jobs are created, cancelled and removed; errors come back.
    template <typename Work> auto onCoreThread(Work &&work)
    {
        using Result = decltype(work());
        if (QThread::currentThread() == core.queue().thread())
            return work();
        std::optional<Error> failure;
        std::optional<Result> result;
        QMetaObject::invokeMethod(
            &core.queue(),
            [&] {
                try {
                    result = work();
                } catch (const Error &error) {
                    failure = error;
                }
            },
            Qt::BlockingQueuedConnection);
        if (failure)
            throw *failure;
        return *result;
    }

    std::optional<HttpResponse> refusal(const HttpRequest &request) const;
    HttpResponse jobs(const HttpRequest &request, const QString &id, const QString &action);
    HttpResponse createJob(const HttpRequest &request);
    QJsonObject status(const JobInfo &job) const;
    HttpResponse datasets(const HttpRequest &request, const QString &id);
    HttpResponse uploadDataset(const HttpRequest &request);
};

RestApi::RestApi(AppCore &core)
    : d(std::make_unique<Impl>(core))
{
    QObject::connect(&core.queue(), &JobQueue::progressed, &d->relay,
                     [this](qint64 id, const engine::TrainingProgress &progress) {
                         QMutexLocker lock(&d->mutex);
                         d->running.insert(id, qMakePair(progress.loss.value_or(0.0), progress.etaSeconds));
                     });
    QObject::connect(&core.queue(), &JobQueue::jobFinished, &d->relay, [this](qint64 id) {
        QMutexLocker lock(&d->mutex);
        d->running.remove(id);
    });
}

RestApi::~RestApi()
{
    stop();
}

quint16 RestApi::start(const RestApiOptions &options)
{
    stop();
    d->options = options;
    HttpLimits limits; // JSON bodies: the server's 64 KiB
    limits.maxUploadBytes = options.maxUploadBytes;
    if (!options.address.isLoopback()) {
        // The names this computer is reached by: its name, and the address listened on (or all of its own).
        const QString name = QHostInfo::localHostName();
        limits.hostNames << name << name + QStringLiteral(".local");
        const QList<QHostAddress> addresses = options.address == QHostAddress::Any ||
                                                      options.address == QHostAddress::AnyIPv4 ||
                                                      options.address == QHostAddress::AnyIPv6
                                                  ? QNetworkInterface::allAddresses()
                                                  : QList<QHostAddress>{options.address};
        for (const QHostAddress &address : addresses)
            limits.hostNames << address.toString();
    }
    limits.isUpload = [](const HttpRequest &request) {
        static const QRegularExpression datasets(QStringLiteral("^/api/v1/datasets/?$"));
        return request.method == "POST" && datasets.match(request.path).hasMatch();
    };
    d->service = std::make_unique<HttpService>(
        Text::tr("The REST API"), [this](const HttpRequest &request) { return answer(request); }, limits);
    return d->service->start(options.address, options.port);
}

void RestApi::stop()
{
    if (d->service)
        d->service->stop();
    d->service.reset();
}

bool RestApi::isRunning() const
{
    return d->service && d->service->isRunning();
}

const RestApiOptions &RestApi::options() const
{
    return d->options;
}

std::optional<HttpResponse> RestApi::Impl::refusal(const HttpRequest &request) const
{
    // From another computer: the token, always.
    if (!options.address.isLoopback() && !request.peer.isLoopback()) {
        const QByteArray expected = "Bearer " + options.token.toLatin1();
        if (options.token.isEmpty() || !sameText(request.headers.value("authorization"), expected)) {
            HttpResponse response = HttpResponse::error(
                401, Text::tr("Requests from other computers need the API's token: Authorization: Bearer <token> "
                              "(Settings shows it)."));
            response.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
            return response;
        }
    }
    // A browser on another site: it may send a request (not read the answer), so what changes things is refused.
    if (request.method != "GET" && request.method != "HEAD") {
        const QByteArray site = request.headers.value("sec-fetch-site");
        if (!site.isEmpty() && site != "same-origin" && site != "none")
            return HttpResponse::error(403, Text::tr("Requests from other web sites are refused."));
        if (request.headers.contains("origin")) {
            const QByteArray origin = request.headers.value("origin");
            const qsizetype scheme = origin.indexOf("://");
            if (scheme < 0 || origin.mid(scheme + 3) != request.headers.value("host"))
                return HttpResponse::error(403, Text::tr("Requests from other web sites are refused."));
        }
    }
    return std::nullopt;
}

HttpResponse RestApi::answer(const HttpRequest &request)
{
    if (const std::optional<HttpResponse> refused = d->refusal(request))
        return *refused;
    static const QRegularExpression route(QStringLiteral("^/api/v1/(jobs|datasets)(?:/([^/]*)(?:/([a-z]+))?)?/?$"));
    const QRegularExpressionMatch match = route.match(request.path);
    try {
        if (request.path == QLatin1String("/api/v1/health")) {
            if (request.method != "GET")
                return HttpResponse::error(405, Text::tr("/api/v1/health answers GET."));
            return HttpResponse::json(200,
                                      QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                                  {QStringLiteral("version"), QCoreApplication::applicationVersion()}});
        }
        if (request.path == QLatin1String("/api/v1/openapi.json")) {
            if (request.method != "GET")
                return HttpResponse::error(405, Text::tr("/api/v1/openapi.json answers GET."));
            return HttpResponse::json(200, openApiDocument());
        }
        if (!match.hasMatch())
            return HttpResponse::error(404, Text::tr("There is no %1 here; GET /api/v1/openapi.json lists what there "
                                                     "is.")
                                                .arg(request.path.left(200)));
        const QString id = match.captured(2), action = match.captured(3);
        if (!id.isEmpty()) {
            static const QRegularExpression number(QStringLiteral("^[1-9][0-9]{0,14}$"));
            if (!number.match(id).hasMatch())
                return HttpResponse::error(
                    400, Text::tr("\"%1\" is not an id: ids are whole numbers from 1.").arg(id.left(40)));
        }
        if (match.captured(1) == QLatin1String("jobs"))
            return d->jobs(request, id, action);
        if (!action.isEmpty())
            return HttpResponse::error(404, Text::tr("Datasets have no /%1.").arg(action));
        return d->datasets(request, id);
    } catch (const Error &error) {
        return answerFor(error);
    }
}

HttpResponse RestApi::Impl::jobs(const HttpRequest &request, const QString &idText, const QString &action)
{
    JobCatalog &catalog = core.jobs();
    if (idText.isEmpty()) {
        if (request.method == "POST")
            return createJob(request);
        if (request.method != "GET")
            return HttpResponse::error(405, Text::tr("/api/v1/jobs/ answers GET (the list) and POST (a new job)."));
        QJsonArray list;
        for (const JobInfo &job : catalog.list())
            list.append(job.toJson());
        return jsonArray(200, list);
    }
    const qint64 id = idText.toLongLong();
    const JobInfo job = catalog.require(id);
    const auto expect = [&](const char *method) { return request.method == method; };
    if (action.isEmpty()) {
        if (expect("GET"))
            return HttpResponse::json(200, job.toJson());
        if (!expect("DELETE"))
            return HttpResponse::error(405, Text::tr("A job answers GET and DELETE."));
        if (!job.isFinished() && job.state != JobState::Interrupted)
            return HttpResponse::error(
                409, Text::tr("Job %1 is %2: cancel it before deleting it.").arg(id).arg(jobStateId(job.state)));
        onCoreThread([&] {
            core.queue().remove(id);
            return true;
        });
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("deleted"), id}});
    }
    if (action == QLatin1String("status") || action == QLatin1String("metrics") ||
        action == QLatin1String("download")) {
        if (!expect("GET"))
            return HttpResponse::error(405, Text::tr("/%1 answers GET.").arg(action));
        if (action == QLatin1String("status"))
            return HttpResponse::json(200, status(job));
        if (action == QLatin1String("metrics")) {
            QJsonArray metrics;
            for (const JobMetric &metric : catalog.metrics(id))
                metrics.append(metric.toJson());
            return HttpResponse::json(200,
                                      QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("metrics"), metrics}});
        }
        if (job.state != JobState::Completed)
            return HttpResponse::error(409, Text::tr("Job %1 is %2: its model can be downloaded once it has completed.")
                                                .arg(id)
                                                .arg(jobStateId(job.state)));
        return HttpResponse::later([this, job] {
            // Written whole to a temporary file (the archive is compressed as it is written), then streamed.
            const QString path = QDir::temp().filePath(
                QStringLiteral("mtm-download-%1-%2.tar.gz").arg(job.id).arg(QRandomGenerator::system()->generate()));
            try {
                writeJobArchive(job, path, {});
            } catch (const Error &error) {
                QFile::remove(path);
                return answerFor(error);
            }
            return HttpResponse::download(path, jobArchiveFileName(job.id), "application/gzip", true);
        });
    }
    if (action == QLatin1String("cancel") || action == QLatin1String("resume")) {
        if (!expect("POST"))
            return HttpResponse::error(405, Text::tr("/%1 answers POST.").arg(action));
        const bool cancel = action == QLatin1String("cancel");
        const bool active = job.state == JobState::Queued || job.state == JobState::Running;
        if (cancel ? !active : (active || job.state == JobState::Completed))
            return HttpResponse::error(409, cancel ? Text::tr("Job %1 is %2: only a queued or running job can be "
                                                              "cancelled.")
                                                         .arg(id)
                                                         .arg(jobStateId(job.state))
                                                   : Text::tr("Job %1 is %2: only an interrupted, failed or "
                                                              "cancelled job can be resumed.")
                                                         .arg(id)
                                                         .arg(jobStateId(job.state)));
        onCoreThread([&] {
            cancel ? core.queue().cancel(id) : core.queue().resume(id);
            return true;
        });
        return HttpResponse::json(200, core.jobs().require(id).toJson());
    }
    return HttpResponse::error(404, Text::tr("Jobs have no /%1.").arg(action.left(40)));
}

HttpResponse RestApi::Impl::createJob(const HttpRequest &request)
{
    QJsonObject fields;
    if (const std::optional<HttpResponse> notJson = readJsonObject(request, fields))
        return *notJson;
    QJsonArray problems;
    for (const FieldProblem &wrong : TrainingRequest::problemsOf(fields))
        problems.append(fieldProblem(wrong.field, wrong.message));
    if (!problems.isEmpty())
        return HttpResponse::problems(problems);
    const TrainingRequest training = TrainingRequest::fromJson(fields, Text::tr("the job"));
    // What the job names must be there now, not only when it runs.
    const bool sample = training.dataset.compare(sampleDatasetName(), Qt::CaseInsensitive) == 0; // made when asked for
    if (!sample && !core.datasets().findByIdOrName(training.dataset))
        problems.append(fieldProblem(
            fields.contains(QStringLiteral("dataset_id")) ? QStringLiteral("dataset_id") : QStringLiteral("dataset"),
            Text::tr("there is no dataset %1 (GET /api/v1/datasets/ lists them)").arg(training.dataset)));
    if (training.trains()) {
        try {
            training.baseModelFolder(core, Text::tr("the job"));
        } catch (const Error &error) {
            problems.append(fieldProblem(QStringLiteral("model_name"), withoutPaths(error.message())));
        }
    }
    if (!problems.isEmpty())
        return HttpResponse::problems(problems);
    const JobInfo job = onCoreThread([&] { return core.queue().create(training); });
    return HttpResponse::json(201, job.toJson());
}

QJsonObject RestApi::Impl::status(const JobInfo &job) const
{
    std::optional<double> loss, eta;
    {
        QMutexLocker lock(&mutex);
        if (const auto known = running.constFind(job.id); known != running.constEnd()) {
            if (known->first > 0)
                loss = known->first;
            if (known->second > 0)
                eta = known->second;
        }
    }
    if (!loss)
        loss = core.jobs().latestLoss(job.id);
    return job.statusJson(loss, eta);
}

HttpResponse RestApi::Impl::datasets(const HttpRequest &request, const QString &idText)
{
    DatasetCatalog &catalog = core.datasets();
    if (idText.isEmpty()) {
        if (request.method == "POST")
            return uploadDataset(request);
        if (request.method != "GET")
            return HttpResponse::error(405, Text::tr("/api/v1/datasets/ answers GET (the list) and POST (an upload)."));
        QJsonArray list;
        for (const DatasetInfo &dataset : catalog.list())
            list.append(dataset.toJson());
        return jsonArray(200, list);
    }
    const DatasetInfo dataset = catalog.require(idText.toLongLong());
    if (request.method == "GET")
        return HttpResponse::json(200, dataset.toJson(catalog.loadReport(dataset.id)));
    if (request.method != "DELETE")
        return HttpResponse::error(405, Text::tr("A dataset answers GET and DELETE."));
    for (const JobInfo &job : core.jobs().list())
        if (job.datasetId == dataset.id && !job.isFinished() && job.state != JobState::Interrupted)
            return HttpResponse::error(
                409, Text::tr("Job %1 is %2 on this dataset: cancel it first.").arg(job.id).arg(jobStateId(job.state)));
    catalog.remove(dataset.id);
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("deleted"), dataset.id}});
}

HttpResponse RestApi::Impl::uploadDataset(const HttpRequest &request)
{
    return HttpResponse::later([this, request] {
        // This pool thread's database connection is closed when the work is done.
        struct CloseConnection
        {
            const Store &store;
            ~CloseConnection() { store.closeThisThreadsConnection(); }
        } closeConnection{core.store()};
        try {
            QTemporaryDir folder;
            if (!folder.isValid())
                return HttpResponse::error(503, Text::tr("The upload cannot be stored for now."));
            QString given = request.query.queryItemValue(QStringLiteral("filename"), QUrl::FullyDecoded);
            if (given.isEmpty())
                given = QString::fromUtf8(request.headers.value("x-filename"));
            QString received = request.bodyFile;
            const QByteArray type = request.headers.value("content-type");
            if (type.toLower().startsWith("multipart/form-data")) {
                const UploadedFile part = extractMultipartFile(request.bodyFile, type, folder.path());
                received = part.path;
                if (given.isEmpty())
                    given = part.fileName;
            }
            const QString path = folder.filePath(safeFileName(given));
            if (!QFile::rename(received, path) && !QFile::copy(received, path))
                return HttpResponse::error(503, Text::tr("The upload cannot be stored for now."));
            // As `mtm datasets import`: ?schema=…&map=PART=FIELD (repeated) when the fields do not say what they are.
            ImportOptions options;
            const QString schema = request.query.queryItemValue(QStringLiteral("schema"), QUrl::FullyDecoded);
            const QStringList pairs = request.query.allQueryItemValues(QStringLiteral("map"), QUrl::FullyDecoded);
            if (!schema.isEmpty()) {
                options.mapping = MappingChoice::parse(schema, pairs);
                if (const std::string missing = options.mapping->missingRoles(); !missing.empty())
                    return HttpResponse::error(
                        422,
                        Text::tr("The %1 schema needs map= for: %2.").arg(schema, QString::fromStdString(missing)));
            }
            const auto prepared = core.importer().prepare(path, options);
            QString name = request.query.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded).trimmed();
            if (name.isEmpty())
                name = prepared->suggestedName();
            const bool dropDuplicates =
                request.query.queryItemValue(QStringLiteral("drop_duplicates")) == QLatin1String("true");
            const auto refuse = [&](const QString &why) {
                return HttpResponse::json(422, QJsonObject{{QStringLiteral("error"), why},
                                                           {QStringLiteral("validation"), prepared->report.toJson()}});
            };
            if (!prepared->detection.confident) {
                QStringList fields;
                for (const std::string &field : prepared->fieldNames)
                    fields << QString::fromStdString(field);
                return refuse(Text::tr("Cannot tell what the fields mean: %1. The fields are: %2. Send the upload "
                                       "again with ?schema=…&map=PART=FIELD, e.g. "
                                       "?schema=prompt_completion&map=prompt=FIELD&map=completion=FIELD.")
                                  .arg(QString::fromStdString(prepared->detection.explanation),
                                       fields.join(QStringLiteral(", "))));
            }
            const bool skipInvalid =
                request.query.queryItemValue(QStringLiteral("skip_invalid")) == QLatin1String("true");
            if (prepared->report.errorCount() > 0 && !skipInvalid)
                return refuse(Text::tr("The file has problems (listed in the validation report); nothing was "
                                       "stored. Fix the file, or send it again with ?skip_invalid=true to store "
                                       "the %n valid record(s).",
                                       nullptr, int(prepared->report.validRecords)));
            if (prepared->report.validRecords == 0)
                return refuse(Text::tr("No record of the file is valid; nothing was stored."));
            const DatasetInfo dataset = core.importer().commit(*prepared, name, dropDuplicates);
            return HttpResponse::json(201, dataset.toJson(prepared->report));
        } catch (const Error &error) {
            return answerFor(error);
        }
    });
}

} // namespace mtm::core
