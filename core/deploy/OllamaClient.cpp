#include "deploy/OllamaClient.h"

#include "Error.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OllamaClient)
};

constexpr qint64 kChunk = 1 << 20;

} // namespace

QUrl ollamaServer(const QString &hostOption, const QString &settingsUrl)
{
    const QString environment = qEnvironmentVariable("OLLAMA_HOST").trimmed();
    const QString given = !hostOption.trimmed().isEmpty() ? hostOption.trimmed()
                          : !environment.isEmpty()        ? environment
                                                          : settingsUrl.trimmed();
    // As Ollama reads OLLAMA_HOST: no scheme means http on port 11434; a scheme brings its own default port.
    QString scheme = QStringLiteral("http");
    QString rest = given;
    int defaultPort = 11434;
    const int separator = given.indexOf(QStringLiteral("://"));
    if (separator >= 0) {
        scheme = given.left(separator).toLower();
        rest = given.mid(separator + 3);
        defaultPort = scheme == QLatin1String("https") ? 443 : 80;
    }
    const QString path = rest.contains(QLatin1Char('/')) ? rest.mid(rest.indexOf(QLatin1Char('/'))) : QString();
    rest = rest.section(QLatin1Char('/'), 0, 0);
    QUrl url;
    url.setScheme(scheme);
    url.setPath(path == QLatin1String("/") ? QString() : path);
    // host, host:port, [v6]:port or a bare IPv6 address.
    const QHostAddress bare(
        rest.startsWith(QLatin1Char('[')) && rest.endsWith(QLatin1Char(']')) ? rest.mid(1, rest.size() - 2) : rest);
    if (!bare.isNull() || rest.isEmpty()) {
        url.setHost(rest.isEmpty() ? QStringLiteral("127.0.0.1") : bare.toString());
        url.setPort(defaultPort);
    } else {
        const int colon = rest.lastIndexOf(QLatin1Char(':'));
        url.setHost(colon >= 0 ? rest.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')) : rest);
        bool valid = true;
        url.setPort(colon >= 0 ? rest.mid(colon + 1).toInt(&valid) : defaultPort);
        if (!valid)
            url = QUrl();
    }
    if (!url.isValid() || url.host().isEmpty() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("\"%1\" is not an address of an Ollama server (for example 127.0.0.1:11434 or "
                             "http://gpu-box:11434).")
                        .arg(given));
    return url;
}

QString sha256Digest(const QString &path, const Progress &progress)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 size = file.size();
    qint64 done = 0;
    while (!file.atEnd()) {
        const QByteArray piece = file.read(kChunk);
        if (piece.isEmpty())
            throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(path, file.errorString()));
        hash.addData(piece);
        done += piece.size();
        if (progress && !progress(done, size))
            throw Error(Error::Kind::Cancelled, Text::tr("Cancelled."));
    }
    return QStringLiteral("sha256:") + QString::fromLatin1(hash.result().toHex());
}

OllamaClient::OllamaClient(QUrl server, int timeoutMs)
    : m_server(std::move(server))
    , m_timeoutMs(timeoutMs)
    , m_network(std::make_unique<QNetworkAccessManager>())
{}

OllamaClient::~OllamaClient() = default;

QNetworkRequest OllamaClient::request(const QString &path) const
{
    QUrl url = m_server;
    url.setPath(m_server.path() + path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return request;
}

QString OllamaClient::refusal(const QString &what, const Answer &answer)
{
    const QString said = QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("error")).toString();
    return Text::tr("Ollama refused %1 (HTTP %2): %3")
        .arg(what)
        .arg(answer.status)
        .arg(said.isEmpty() ? QString::fromUtf8(answer.body.left(300)) : said);
}

OllamaClient::Answer OllamaClient::finish(QNetworkReply *reply, const QString &what,
                                          const std::function<bool()> &keepGoing, bool notFoundIsAnAnswer)
{
    std::unique_ptr<QNetworkReply> owner(reply);
    bool cancelled = false;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer poll;
    if (keepGoing || m_keepGoing) {
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if ((keepGoing && !keepGoing()) || (m_keepGoing && !m_keepGoing())) {
                cancelled = true;
                reply->abort();
            }
        });
        poll.start(100);
    }
    if (!reply->isFinished())
        loop.exec();
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->isOpen() ? reply->readAll() : QByteArray();
    const QString server = m_server.toString();
    if (cancelled)
        throw Error(Error::Kind::Cancelled, Text::tr("Cancelled while %1.").arg(what));
    if (answer.status == 0) {
        if (reply->error() == QNetworkReply::OperationCanceledError)
            throw Error(Error::Kind::Io, Text::tr("Ollama at %1 stopped answering while %2: nothing came for %3 s.")
                                             .arg(server, what)
                                             .arg(m_timeoutMs / 1000));
        throw Error(Error::Kind::Io, Text::tr("Ollama does not answer at %1 (%2). Is it running? Start it with "
                                              "\"ollama serve\", or give its address in Settings or OLLAMA_HOST.")
                                         .arg(server, reply->errorString()));
    }
    if (answer.status >= 400 && !(notFoundIsAnAnswer && answer.status == 404))
        throw Error(answer.status >= 500 ? Error::Kind::Io : Error::Kind::InvalidInput, refusal(what, answer));
    return answer;
}

QString OllamaClient::version()
{
    const Answer answer =
        finish(m_network->get(request(QStringLiteral("/api/version"))), Text::tr("asked its version"));
    const QString version = QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("version")).toString();
    if (version.isEmpty())
        throw Error(
            Error::Kind::Io,
            Text::tr("%1 answered, but not as Ollama does (no version in its answer).").arg(m_server.toString()));
    return version;
}

bool OllamaClient::hasBlob(const QString &digest)
{
    return finish(m_network->head(request(QStringLiteral("/api/blobs/") + digest)),
                  Text::tr("looking for a file it may have"), {}, true)
               .status != 404;
}

void OllamaClient::uploadBlob(const QString &path, const QString &digest, const Progress &progress)
{
    auto *file = new QFile(path);
    if (!file->open(QIODevice::ReadOnly)) {
        const QString why = file->errorString();
        delete file;
        throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(path, why));
    }
    QNetworkRequest post = request(QStringLiteral("/api/blobs/") + digest);
    post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/octet-stream"));
    post.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    QNetworkReply *reply = m_network->post(post, file);
    file->setParent(reply);
    bool stop = false;
    QObject::connect(reply, &QNetworkReply::uploadProgress, reply, [&](qint64 done, qint64 all) {
        if (progress && !progress(done, all > 0 ? all : done))
            stop = true;
    });
    const qint64 size = file->size();
    finish(reply, Text::tr("taking %1").arg(QFileInfo(path).fileName()), [&] { return !stop; });
    if (progress) // Qt reports an upload's progress at most every 100 ms, so maybe not its end
        progress(size, size);
}

void OllamaClient::streamLines(QNetworkReply *reply, const QString &what,
                               const std::function<bool(const QJsonObject &line)> &onLine)
{
    QByteArray pending;
    bool stop = false;
    const auto readLines = [&](const QByteArray &bytes) {
        pending += bytes;
        for (int end; !stop && (end = pending.indexOf('\n')) >= 0;) {
            const QJsonObject line = QJsonDocument::fromJson(pending.left(end)).object();
            pending.remove(0, end + 1);
            stop = !onLine(line);
        }
    };
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() < 400) // else an error body for finish()
            readLines(reply->readAll());
    });
    readLines(finish(reply, what, [&] { return !stop; }).body + '\n');
}

void OllamaClient::create(const QJsonObject &body, const StatusCallback &onStatus)
{
    QString failure, last;
    streamLines(
        m_network->post(request(QStringLiteral("/api/create")), QJsonDocument(body).toJson(QJsonDocument::Compact)),
        Text::tr("creating the model"), [&](const QJsonObject &line) {
            if (line.contains(QStringLiteral("error")))
                failure = line.value(QStringLiteral("error")).toString();
            if (!line.contains(QStringLiteral("status")))
                return true;
            last = line.value(QStringLiteral("status")).toString();
            return !onStatus || onStatus(last, line.value(QStringLiteral("completed")).toInteger(),
                                         line.value(QStringLiteral("total")).toInteger());
        });
    if (!failure.isEmpty())
        throw Error(Error::Kind::InvalidInput, Text::tr("Ollama could not create the model: %1").arg(failure));
    if (last != QLatin1String("success"))
        throw Error(Error::Kind::Io, Text::tr("Ollama stopped before it said the model was created (its last word: "
                                              "\"%1\").")
                                         .arg(last));
}

QString OllamaClient::chat(const QString &model, const QJsonArray &messages, const QJsonObject &options,
                           const TextCallback &onText)
{
    const QJsonObject body{{QStringLiteral("model"), model},
                           {QStringLiteral("messages"), messages},
                           {QStringLiteral("options"), options},
                           {QStringLiteral("stream"), bool(onText)}};
    QNetworkReply *reply =
        m_network->post(request(QStringLiteral("/api/chat")), QJsonDocument(body).toJson(QJsonDocument::Compact));
    const QString what = Text::tr("answering with %1").arg(model);
    const auto noMessage = [&] {
        return Error(Error::Kind::Io, Text::tr("Ollama's answer from %1 has no message.").arg(model));
    };
    if (!onText) {
        const QJsonObject answer = QJsonDocument::fromJson(finish(reply, what).body).object();
        if (!answer.value(QStringLiteral("message")).isObject())
            throw noMessage();
        return answer.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString();
    }
    // Streamed: one JSON object a line, each with a piece of the message, the last with "done": true.
    QString text, failure;
    bool done = false, stopped = false;
    streamLines(reply, what, [&](const QJsonObject &line) {
        if (line.contains(QStringLiteral("error")))
            failure = line.value(QStringLiteral("error")).toString();
        const QString piece =
            line.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString();
        done = done || line.value(QStringLiteral("done")).toBool();
        text += piece;
        stopped = !piece.isEmpty() && !onText(piece);
        return !stopped;
    });
    if (stopped)
        throw Error(Error::Kind::Cancelled, Text::tr("Cancelled while %1.").arg(what));
    if (!failure.isEmpty())
        throw Error(Error::Kind::InvalidInput, Text::tr("Ollama could not answer with %1: %2").arg(model, failure));
    if (!done)
        throw Error(Error::Kind::Io, Text::tr("Ollama stopped before it finished the answer from %1.").arg(model));
    return text;
}

QStringList OllamaClient::models()
{
    const QJsonArray models =
        QJsonDocument::fromJson(
            finish(m_network->get(request(QStringLiteral("/api/tags"))), Text::tr("listing its models")).body)
            .object()
            .value(QStringLiteral("models"))
            .toArray();
    QStringList names;
    for (const QJsonValue &model : models)
        if (const QString name = model.toObject().value(QStringLiteral("name")).toString(); !name.isEmpty())
            names << name;
    names.sort();
    return names;
}

std::vector<std::vector<float>> OllamaClient::embed(const QString &model, const QStringList &texts)
{
    const QJsonObject body{{QStringLiteral("model"), model},
                           {QStringLiteral("input"), QJsonArray::fromStringList(texts)}};
    const QString what = Text::tr("embedding texts with %1").arg(model);
    const Answer answer = finish(
        m_network->post(request(QStringLiteral("/api/embed")), QJsonDocument(body).toJson(QJsonDocument::Compact)),
        what, {}, true);
    if (answer.status == 404) // the server has no such model
        throw Error(Error::Kind::NotFound,
                    Text::tr("%1\nPull the embedding model first: ollama pull %2").arg(refusal(what, answer), model));
    const QJsonArray rows = QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("embeddings")).toArray();
    if (rows.size() != texts.size())
        throw Error(Error::Kind::Io,
                    Text::tr("Ollama gave %1 embeddings for %2 texts.").arg(rows.size()).arg(texts.size()));
    std::vector<std::vector<float>> vectors;
    for (const QJsonValue &row : rows) {
        std::vector<float> vector;
        for (const QJsonValue &value : row.toArray())
            vector.push_back(float(value.toDouble()));
        if (vector.empty() || (!vectors.empty() && vector.size() != vectors.front().size()))
            throw Error(Error::Kind::Io, Text::tr("Ollama's embeddings from %1 are not all of one length.").arg(model));
        vectors.push_back(std::move(vector));
    }
    return vectors;
}

} // namespace mtm::core
