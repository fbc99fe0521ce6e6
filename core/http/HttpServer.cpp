#include "http/HttpServer.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <memory>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HttpServer)
};

constexpr qint64 kMaxHeaderBytes = 32 * 1024;
constexpr int kIdleMs = 30000;
constexpr qint64 kMaxDroppedBytes = 16 * 1024 * 1024; // of a refused body, read and dropped before closing
constexpr qint64 kFilePiece = 256 * 1024;             // a streamed file is written this much at a time

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
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

// The name a Host header gives, without its port, in lower case ("[::1]:8000" is "::1").
QByteArray hostName(const QByteArray &host)
{
    QByteArray name = host.trimmed().toLower();
    if (name.startsWith('[')) {
        const qsizetype end = name.indexOf(']');
        return end > 0 ? name.mid(1, end - 1) : QByteArray();
    }
    if (const qsizetype colon = name.indexOf(':'); colon >= 0)
        name = name.left(colon);
    return name;
}

bool isLoopbackName(const QByteArray &name)
{
    return name == "localhost" || name == "127.0.0.1" || name == "::1";
}

} // namespace

// One client's request and its answer: the head read and checked, the body gathered (in memory, or in a file for
// an upload), the handler asked, the answer written — a file in pieces as the client takes them.
class HttpConnection : public QObject
{
public:
    HttpConnection(HttpServer &server, QTcpSocket *socket)
        : QObject(&server)
        , m_server(server)
        , m_socket(socket)
        , m_idle(new QTimer(this))
        , m_deadline(new QTimer(this))
    {
        ++m_server.m_connections;
        socket->setParent(this);
        m_idle->setSingleShot(true);
        m_deadline->setSingleShot(true);
        connect(m_idle, &QTimer::timeout, this, &HttpConnection::close);
        connect(m_deadline, &QTimer::timeout, this, [this] {
            respond(HttpResponse::error(
                408,
                Text::tr("The request did not arrive whole within %1 s.").arg(m_server.m_limits.deadlineMs / 1000)));
        });
        connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::read);
        connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::writeMore);
        connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::close);
        m_idle->start(kIdleMs);
        m_deadline->start(m_server.m_limits.deadlineMs);
    }

    ~HttpConnection() override
    {
        --m_server.m_connections;
        if (!m_request.bodyFile.isEmpty())
            QFile::remove(m_request.bodyFile);
        if (m_response.removeFile && !m_response.file.isEmpty())
            QFile::remove(m_response.file);
    }

    // Beyond the cap: the answer at once, nothing read.
    void refuseAsBusy() { respond(HttpResponse::error(503, Text::tr("Too many connections; try again in a moment."))); }

private:
    enum class State { Head, Body, Handling, Answered };

    void read()
    {
        m_idle->start(kIdleMs);
        switch (m_state) {
        case State::Head:
            m_buffer += m_socket->readAll();
            readHead();
            return;
        case State::Body:
            takeBody(m_socket->readAll());
            return;
        case State::Handling:
            m_socket->readAll(); // a client sending more than it announced: dropped
            return;
        case State::Answered:
            // What is left of a refused body is read and dropped, so that the client, still sending, is not cut
            // off before it reads the answer.
            m_unread -= m_socket->readAll().size();
            if (m_unread <= 0 && m_writtenAll)
                m_socket->disconnectFromHost();
            return;
        }
    }

    void readHead()
    {
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0 ? m_buffer.size() > kMaxHeaderBytes : headerEnd > kMaxHeaderBytes)
            return respond(HttpResponse::error(431, Text::tr("The request's headers are too long.")));
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
            return respond(HttpResponse::error(400, Text::tr("This is not an HTTP/1.1 request.")));
        m_request.method = requestLine[0];
        m_request.peer = m_socket->peerAddress();
        const QUrl target = QUrl::fromEncoded(requestLine[1]);
        if (!target.isValid() || !requestLine[1].startsWith('/'))
            return respond(HttpResponse::error(400, Text::tr("The request's target is not a path.")));
        m_request.path = target.path(QUrl::FullyDecoded);
        m_request.query = QUrlQuery(target);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                return respond(HttpResponse::error(400, Text::tr("A header of the request is malformed.")));
            m_request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        if (m_request.headers.contains("content-length")) {
            bool ok = false;
            m_length = m_request.headers.value("content-length").toLongLong(&ok);
            if (!ok || m_length < 0)
                return respond(HttpResponse::error(400, Text::tr("The Content-Length is not a number.")));
        }
        const QByteArray body = m_buffer.mid(headerEnd + 4);
        m_buffer.clear();
        const HttpLimits &limits = m_server.m_limits;
        if (!m_server.hostIsAnswered(m_request.headers.value("host")))
            return refuseBody(body.size(), HttpResponse::error(403, Text::tr("The Host header must name this "
                                                                             "computer as this service knows it "
                                                                             "(localhost, 127.0.0.1 or [::1] "
                                                                             "when it listens on this computer "
                                                                             "only).")));
        if (m_request.headers.contains("transfer-encoding"))
            return respond(HttpResponse::error(501, Text::tr("Send the body with a Content-Length, not in chunks.")));
        const bool upload = limits.isUpload && limits.isUpload(m_request);
        // Other bodies are JSON, which a browser cannot send to another site without asking first (CORS
        // preflight, which is not answered): a cross-site form or text/plain post never reaches the handler.
        if (!upload && m_length > 0 &&
            !m_request.headers.value("content-type").toLower().startsWith("application/json"))
            return refuseBody(body.size(), HttpResponse::error(415, Text::tr("Send the body as JSON (Content-Type: "
                                                                             "application/json).")));
        const qint64 limit = upload ? limits.maxUploadBytes : limits.maxBodyBytes;
        if (m_length > limit)
            return refuseBody(
                body.size(),
                HttpResponse::error(
                    413, Text::tr("The body is %1 bytes; this service takes at most %2.").arg(m_length).arg(limit)));
        if (upload) {
            // An upload only has to keep coming (the idle limit); its bytes go to the disk as they arrive.
            m_deadline->stop();
            const QString folder = limits.uploadFolder.isEmpty() ? QDir::tempPath() : limits.uploadFolder;
            QDir().mkpath(folder);
            m_file = std::make_unique<QTemporaryFile>(folder + QStringLiteral("/upload-XXXXXX"));
            m_file->setAutoRemove(false);
            if (!m_file->open())
                return respond(HttpResponse::error(
                    503, Text::tr("The upload cannot be stored for now: %1").arg(m_file->errorString())));
            m_request.bodyFile = m_file->fileName();
        }
        m_state = State::Body;
        takeBody(body);
    }

    void takeBody(const QByteArray &bytes)
    {
        const QByteArray wanted = bytes.left(m_length - m_received);
        m_received += wanted.size();
        if (m_file) {
            if (m_file->write(wanted) != wanted.size())
                return respond(
                    HttpResponse::error(503, Text::tr("The upload cannot be stored: %1").arg(m_file->errorString())));
        } else {
            m_request.body += wanted;
        }
        if (m_received < m_length)
            return;
        if (m_file) {
            m_file->close();
            m_file.reset();
        }
        m_deadline->stop();
        m_idle->stop(); // a slow answer is not the client's silence
        m_state = State::Handling;
        HttpResponse response = m_server.handle(m_request);
        if (!response.work)
            return respond(response);
        QPointer<HttpConnection> self(this);
        HttpServer *server = &m_server;
        m_server.m_pool.start([self, server, work = std::move(response.work)] {
            HttpResponse answer;
            try {
                answer = work();
            } catch (const std::exception &error) {
                answer = HttpResponse::error(500, Text::tr("The request failed: %1").arg(error.what()));
            }
            QMetaObject::invokeMethod(
                server,
                [self, answer] {
                    if (self)
                        self->respond(answer);
                    else if (answer.removeFile && !answer.file.isEmpty()) // the client is gone
                        QFile::remove(answer.file);
                },
                Qt::QueuedConnection);
        });
    }

    // Answers before the body is read: what is left of it (up to a bound) is read and dropped meanwhile.
    void refuseBody(qint64 received, const HttpResponse &response)
    {
        m_unread = m_length > 0 && m_length <= kMaxDroppedBytes ? m_length - received : 0;
        respond(response);
    }

    void respond(const HttpResponse &response)
    {
        if (m_state == State::Answered)
            return;
        m_state = State::Answered;
        m_deadline->stop();
        m_idle->start(kIdleMs);
        m_response = response;
        qint64 size = response.body.size();
        if (!response.file.isEmpty()) {
            m_source = std::make_unique<QFile>(response.file);
            if (!m_source->open(QIODevice::ReadOnly)) {
                m_source.reset();
                m_response = HttpResponse::error(500, Text::tr("The answer's file cannot be read."));
                m_response.removeFile = response.removeFile;
                m_response.file = response.file;
                size = m_response.body.size();
            } else {
                size = m_source->size();
            }
        }
        QByteArray head =
            "HTTP/1.1 " + QByteArray::number(m_response.status) + ' ' + reason(m_response.status) + "\r\n";
        head += "Content-Type: " + m_response.contentType + "\r\n";
        head += "Content-Length: " + QByteArray::number(size) + "\r\n";
        for (const auto &[name, value] : m_response.headers)
            head += name + ": " + value + "\r\n";
        head += "Connection: close\r\n\r\n";
        m_socket->write(head + (m_source ? QByteArray() : m_response.body));
        writeMore();
    }

    // The next piece of a streamed file once the socket has taken most of the last; the end once all is out.
    void writeMore()
    {
        if (m_state != State::Answered)
            return;
        m_idle->start(kIdleMs);
        if (m_source && m_socket->bytesToWrite() < kFilePiece) {
            const QByteArray piece = m_source->read(kFilePiece);
            if (!piece.isEmpty()) {
                m_socket->write(piece);
                return;
            }
            if (!m_source->atEnd()) // a read error half-way: the client sees a short body
                return close();
            m_source.reset();
        }
        if (!m_source && m_socket->bytesToWrite() == 0) {
            m_writtenAll = true;
            if (m_unread <= 0)
                m_socket->disconnectFromHost();
        }
    }

    void close()
    {
        if (m_closing)
            return;
        m_closing = true;
        m_socket->abort();
        deleteLater();
    }

    HttpServer &m_server;
    QTcpSocket *m_socket;
    QTimer *m_idle;
    QTimer *m_deadline;
    State m_state = State::Head;
    QByteArray m_buffer;
    HttpRequest m_request;
    qint64 m_length = 0;
    qint64 m_received = 0;
    qint64 m_unread = 0;
    bool m_writtenAll = false;
    bool m_closing = false;
    std::unique_ptr<QTemporaryFile> m_file; // an upload's body being written
    HttpResponse m_response;
    std::unique_ptr<QFile> m_source; // a file being sent
};

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

HttpResponse HttpResponse::problems(const QJsonArray &problems)
{
    return json(422, QJsonObject{{QStringLiteral("error"), Text::tr("The request's fields are wrong.")},
                                 {QStringLiteral("problems"), problems}});
}

QJsonObject fieldProblem(const QString &field, const QString &message)
{
    return QJsonObject{{QStringLiteral("field"), field}, {QStringLiteral("message"), message}};
}

std::optional<HttpResponse> readJsonObject(const HttpRequest &request, QJsonObject &object, const QString &example)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return HttpResponse::error(
            400, Text::tr("The body is not JSON: %1 at byte %2.").arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return HttpResponse::error(400, example.isEmpty()
                                            ? Text::tr("The body must be a JSON object.")
                                            : Text::tr("The body must be a JSON object: %1.").arg(example));
    object = document.object();
    return std::nullopt;
}

HttpResponse HttpResponse::later(std::function<HttpResponse()> work)
{
    HttpResponse response;
    response.work = std::move(work);
    return response;
}

HttpResponse HttpResponse::download(const QString &file, const QString &downloadName, const QByteArray &contentType,
                                    bool removeFile)
{
    HttpResponse response;
    response.contentType = contentType;
    response.file = file;
    response.removeFile = removeFile;
    // The name as the client may save it: plain ASCII (the app's archive names are), quoted.
    QString safe = downloadName;
    safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    response.headers.append(
        qMakePair(QByteArray("Content-Disposition"), "attachment; filename=\"" + safe.toLatin1() + '"'));
    return response;
}

HttpServer::HttpServer(Handler handler, HttpLimits limits, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_limits(std::move(limits))
    , m_server(new QTcpServer(this))
{
    m_pool.setMaxThreadCount(4);
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::accept);
}

HttpServer::~HttpServer()
{
    m_server->close();
    m_pool.waitForDone();
    // The answers the work posted are dropped with the connections (their files removed by them).
    qDeleteAll(findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly));
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

QHostAddress HttpServer::address() const
{
    return m_server->serverAddress();
}

QString HttpServer::errorString() const
{
    return m_server->errorString();
}

void HttpServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto *connection = new HttpConnection(*this, socket);
        if (m_connections > m_limits.maxConnections)
            connection->refuseAsBusy();
    }
}

bool HttpServer::hostIsAnswered(const QByteArray &host) const
{
    const QByteArray name = hostName(host);
    if (isLoopbackName(name))
        return true;
    if (m_server->serverAddress().isLoopback())
        return false; // a web page that has its own name resolve to 127.0.0.1 (DNS rebinding)
    return m_limits.hostNames.isEmpty() ||
           std::any_of(m_limits.hostNames.begin(), m_limits.hostNames.end(),
                       [&](const QString &known) { return known.toLower().toUtf8() == name; });
}

HttpResponse HttpServer::handle(const HttpRequest &request) const
{
    try {
        return m_handler(request);
    } catch (const std::exception &error) { // a failure of one request never ends the service
        return HttpResponse::error(500, Text::tr("The request failed: %1").arg(QString::fromUtf8(error.what())));
    } catch (...) {
        return HttpResponse::error(500, Text::tr("The request failed."));
    }
}

} // namespace mtm::core
