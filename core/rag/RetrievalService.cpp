#include "rag/RetrievalService.h"

#include "Error.h"
#include "rag/RagModel.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RetrievalService)
};

constexpr int kMaxTopK = 100;

} // namespace

RetrievalService::RetrievalService(std::shared_ptr<const RagModel> model)
    : m_model(std::move(model))
{}

RetrievalService::~RetrievalService()
{
    stop();
}

HttpResponse RetrievalService::answer(const RagModel &model, const HttpRequest &request)
{
    if (request.path == QLatin1String("/health")) {
        if (request.method != "GET")
            return HttpResponse::error(405, Text::tr("/health answers GET."));
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                                   {QStringLiteral("chunks"), model.chunkCount()}});
    }
    if (request.path != QLatin1String("/retrieve"))
        return HttpResponse::error(404,
                                   Text::tr("There is no %1 here: POST /retrieve, GET /health.").arg(request.path));
    if (request.method != "POST")
        return HttpResponse::error(405, Text::tr("/retrieve answers POST with a JSON body."));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return HttpResponse::error(
            400, Text::tr("The body is not JSON: %1 at byte %2.").arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return HttpResponse::error(400,
                                   Text::tr("The body must be a JSON object: {\"query\": \"...\", \"top_k\": 3}."));
    const QJsonObject body = document.object();
    QJsonArray problems;
    const QJsonValue query = body.value(QStringLiteral("query"));
    if (!query.isString() || query.toString().trimmed().isEmpty())
        problems.append(QJsonObject{{QStringLiteral("field"), QStringLiteral("query")},
                                    {QStringLiteral("message"), Text::tr("\"query\" must be a text to search for")}});
    const QJsonValue topK = body.value(QStringLiteral("top_k"));
    int k = 3;
    if (!topK.isUndefined() && !topK.isNull()) {
        const double number = topK.toDouble(-1);
        if (!topK.isDouble() || number != std::floor(number) || number < 1 || number > kMaxTopK)
            problems.append(QJsonObject{
                {QStringLiteral("field"), QStringLiteral("top_k")},
                {QStringLiteral("message"), Text::tr("\"top_k\" must be a whole number from 1 to %1").arg(kMaxTopK)}});
        else
            k = int(number);
    }
    if (!problems.isEmpty())
        return HttpResponse::json(422,
                                  QJsonObject{{QStringLiteral("error"), Text::tr("The request's fields are wrong.")},
                                              {QStringLiteral("problems"), problems}});
    QJsonArray documents, scores, sources;
    try {
        for (const RetrievedChunk &chunk : model.search(query.toString(), k, model.defaultRetrieval())) {
            documents.append(chunk.text);
            scores.append(chunk.score);
            sources.append(QJsonObject{{QStringLiteral("record"), chunk.record}, {QStringLiteral("part"), chunk.part}});
        }
    } catch (const Error &error) {
        return HttpResponse::error(500, error.message());
    }
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("documents"), documents},
                                               {QStringLiteral("scores"), scores},
                                               {QStringLiteral("sources"), sources}});
}

quint16 RetrievalService::start(const QHostAddress &address, quint16 port)
{
    stop();
    auto *thread = new QThread;
    thread->setObjectName(QStringLiteral("retrieval service"));
    std::shared_ptr<const RagModel> model = m_model;
    auto *server =
        new HttpServer([model](const HttpRequest &request) { return answer(*model, request); }, kMaxBodyBytes);
    server->moveToThread(thread);
    QObject::connect(thread, &QThread::finished, server, &QObject::deleteLater);
    thread->start();
    bool listening = false;
    QString why;
    QMetaObject::invokeMethod(
        server,
        [&] {
            listening = server->listen(address, port);
            why = server->errorString();
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        thread->quit();
        thread->wait();
        delete thread;
        throw Error(
            Error::Kind::Io,
            Text::tr("The retrieval service cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(why));
    }
    m_thread = thread;
    m_server = server;
    return server->port();
}

void RetrievalService::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_server = nullptr;
}

} // namespace mtm::core
