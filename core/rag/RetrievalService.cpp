#include "rag/RetrievalService.h"

#include "Error.h"
#include "rag/RagModel.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

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
    : m_service(
          Text::tr("The retrieval service"), [model](const HttpRequest &request) { return answer(*model, request); },
          HttpLimits())
{}

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
    QJsonObject body;
    if (const std::optional<HttpResponse> notJson =
            readJsonObject(request, body, QStringLiteral("{\"query\": \"...\", \"top_k\": 3}")))
        return *notJson;
    QJsonArray problems;
    const QJsonValue query = body.value(QStringLiteral("query"));
    if (!query.isString() || query.toString().trimmed().isEmpty())
        problems.append(fieldProblem(QStringLiteral("query"), Text::tr("\"query\" must be a text to search for")));
    const QJsonValue topK = body.value(QStringLiteral("top_k"));
    int k = 3;
    if (!topK.isUndefined() && !topK.isNull()) {
        const double number = topK.toDouble(-1);
        if (!topK.isDouble() || number != std::floor(number) || number < 1 || number > kMaxTopK)
            problems.append(fieldProblem(QStringLiteral("top_k"),
                                         Text::tr("\"top_k\" must be a whole number from 1 to %1").arg(kMaxTopK)));
        else
            k = int(number);
    }
    if (!problems.isEmpty())
        return HttpResponse::problems(problems);
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
    return m_service.start(address, port);
}

void RetrievalService::stop()
{
    m_service.stop();
}

} // namespace mtm::core
