#include "http/HttpServer.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HttpServer)
};

constexpr qint64 kMaxHeaderBytes = 32 * 1024;
constexpr int kIdleMs = 30000;
const char kBuffer[] = "mtmBuffer"; // what a connection has sent so far, kept on its socket
const char kUnread[] = "mtmUnread"; // what is left of a refused body, to be read and dropped
constexpr qint64 kMaxDroppedBytes = 16 * 1024 * 1024;

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

// "localhost", "127.0.0.1" or "[::1]", with or without a port.
bool isLoopbackHost(const QByteArray &host)
{
    QByteArray name = host.trimmed().toLower();
    if (name.startsWith('[')) {
        const qsizetype end = name.indexOf(']');
        name = end > 0 ? name.mid(1, end - 1) : QByteArray();
    } else if (const qsizetype colon = name.indexOf(':'); colon >= 0) {
        name = name.left(colon);
    }
    return name == "localhost" || name == "127.0.0.1" || name == "::1";
}

} // namespace

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse HttpResponse::error(int status, const QString &message)
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
}

HttpServer::HttpServer(Handler handler, qint64 maxBodyBytes, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_maxBody(maxBodyBytes)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::accept);
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

QString HttpServer::errorString() const
{
    return m_server->errorString();
}

void HttpServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto *idle = new QTimer(socket);
        idle->setSingleShot(true);
        connect(idle, &QTimer::timeout, socket, &QTcpSocket::abort);
        idle->start(kIdleMs);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, idle] {
            idle->start(kIdleMs);
            read(socket);
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void HttpServer::read(QTcpSocket *socket)
{
    if (socket->property("mtmAnswered").toBool()) {
        // The answer is on its way; what is left of a refused body is read and dropped, so that the client, still
        // sending, is not cut off before it reads the answer.
        const qint64 left = socket->property(kUnread).toLongLong() - socket->readAll().size();
        socket->setProperty(kUnread, left);
        if (left <= 0)
            socket->disconnectFromHost();
        return;
    }
    QByteArray buffer = socket->property(kBuffer).toByteArray() + socket->readAll();
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer.size() > kMaxHeaderBytes)
            return respond(socket, HttpResponse::error(431, Text::tr("The request's headers are too long.")));
        socket->setProperty(kBuffer, buffer);
        return;
    }
    if (headerEnd > kMaxHeaderBytes)
        return respond(socket, HttpResponse::error(431, Text::tr("The request's headers are too long.")));
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return respond(socket, HttpResponse::error(400, Text::tr("This is not an HTTP/1.1 request.")));
    HttpRequest request;
    request.method = requestLine[0];
    request.peer = socket->peerAddress();
    const QUrl target = QUrl::fromEncoded(requestLine[1]);
    if (!target.isValid() || !requestLine[1].startsWith('/'))
        return respond(socket, HttpResponse::error(400, Text::tr("The request's target is not a path.")));
    request.path = target.path(QUrl::FullyDecoded);
    request.query = QUrlQuery(target);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0)
            return respond(socket, HttpResponse::error(400, Text::tr("A header of the request is malformed.")));
        request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    qint64 length = 0;
    if (request.headers.contains("content-length")) {
        bool ok = false;
        length = request.headers.value("content-length").toLongLong(&ok);
        if (!ok || length < 0)
            return respond(socket, HttpResponse::error(400, Text::tr("The Content-Length is not a number.")));
    }
    const qint64 bodyStart = headerEnd + 4;
    const qint64 received = buffer.size() - bodyStart;
    // A server on this computer only answers requests addressed to it by a loopback name: a web page that has
    // its own name resolve to 127.0.0.1 (DNS rebinding) is refused.
    if (m_server->serverAddress().isLoopback() && !isLoopbackHost(request.headers.value("host")))
        return refuseBeforeBody(socket, length, received,
                                HttpResponse::error(403, Text::tr("The Host header must name this "
                                                                  "computer (localhost, 127.0.0.1 or "
                                                                  "[::1]).")));
    // Bodies are JSON, which a browser cannot send to another site without asking first (CORS preflight, which is
    // not answered): a cross-site form or text/plain post never reaches the handler.
    if (length > 0 && !request.headers.value("content-type").toLower().startsWith("application/json"))
        return refuseBeforeBody(socket, length, received,
                                HttpResponse::error(415, Text::tr("Send the body as JSON (Content-Type: "
                                                                  "application/json).")));
    if (request.headers.contains("transfer-encoding"))
        return respond(socket,
                       HttpResponse::error(501, Text::tr("Send the body with a Content-Length, not in chunks.")));
    if (length > m_maxBody)
        return refuseBeforeBody(
            socket, length, received,
            HttpResponse::error(
                413, Text::tr("The body is %1 bytes; this service takes at most %2.").arg(length).arg(m_maxBody)));
    if (received < length) {
        socket->setProperty(kBuffer, buffer);
        return;
    }
    request.body = buffer.mid(bodyStart, length);
    socket->setProperty(kBuffer, QVariant());
    HttpResponse response;
    try {
        response = m_handler(request);
    } catch (const std::exception &error) { // a failure of one request never ends the service
        response = HttpResponse::error(500, Text::tr("The request failed: %1").arg(QString::fromUtf8(error.what())));
    } catch (...) {
        response = HttpResponse::error(500, Text::tr("The request failed."));
    }
    respond(socket, response);
}

void HttpServer::refuseBeforeBody(QTcpSocket *socket, qint64 length, qint64 received, const HttpResponse &response)
{
    // What is left of the body is read and dropped while the answer goes out (so that the client, still sending,
    // is not cut off before it reads the answer), up to a bound; beyond it the connection just closes.
    socket->setProperty(kUnread, length > 0 && length <= kMaxDroppedBytes ? length - received : 0);
    respond(socket, response);
}

void HttpServer::respond(QTcpSocket *socket, const HttpResponse &response)
{
    socket->setProperty("mtmAnswered", true);
    socket->setProperty(kBuffer, QVariant());
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
    head += "Content-Type: " + response.contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    head += "Connection: close\r\n\r\n";
    socket->write(head + response.body);
    if (socket->property(kUnread).toLongLong() <= 0)
        socket->disconnectFromHost();
}

} // namespace mtm::core
