// A small, strict HTTP/1.1 server for the app's local services (the retrieval service; the REST API): one request
// per connection, bodies only with Content-Length, as JSON (415), never larger than the limit (413 before the
// body is read), headers at most 32 KiB (431); listening on a loopback address, only requests whose Host is a
// loopback name are answered (403: DNS rebinding); a client silent for 30 s is dropped; every answer closes the
// connection; a handler that throws answers 500. The handler runs on the server's thread, one request at a time.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrlQuery>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace mtm::core {

struct HttpRequest
{
    QByteArray method;
    QString path; // decoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QHostAddress peer;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static HttpResponse json(int status, const QJsonObject &object);
    // {"error": message}: messages say what is wrong and where, never a path of this computer.
    static HttpResponse error(int status, const QString &message);
};

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    HttpServer(Handler handler, qint64 maxBodyBytes, QObject *parent = nullptr);

    // Whether it listens; the port then is the one asked for, or the one the system chose for 0.
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;

private:
    void accept();
    void read(QTcpSocket *socket);
    void refuseBeforeBody(QTcpSocket *socket, qint64 length, qint64 received, const HttpResponse &response);
    void respond(QTcpSocket *socket, const HttpResponse &response);

    Handler m_handler;
    qint64 m_maxBody;
    QTcpServer *m_server;
};

} // namespace mtm::core
