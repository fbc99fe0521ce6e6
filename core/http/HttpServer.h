// A small, strict HTTP/1.1 server for the app's local services (the retrieval service, the REST API): one request
// per connection, every answer closing it. Bodies come with a Content-Length only (501 for chunks), as JSON (415
// otherwise) of at most the limit (413, answered before the body is read; what is left of it is read and dropped
// so that the client sees the answer), except for the requests the limits name as uploads: those are written to
// a temporary file as they arrive, up to their own limit, and the handler gets the file. Headers are at most
// 32 KiB (431). The Host must be one of the names the server answers to (403: DNS rebinding). A request must
// arrive whole within the deadline (408; an upload only has to keep coming), a silent client is dropped after
// 30 s, and connections beyond the cap are answered 503 at once. A handler that throws answers 500.
//
// The handler runs on the server's thread, one request at a time, and should answer at once; slow work (a file
// to build, a dataset to check) is answered with HttpResponse::later(work): the work runs on a thread of the
// server's pool and its answer is sent when it is done, while other requests go on. An answer may be a file,
// streamed from the disk in pieces as the client takes them (and removed afterwards when asked).
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QUrlQuery>

#include <functional>
#include <optional>

class QTcpServer;

namespace mtm::core {

struct HttpRequest
{
    QByteArray method;
    QString path; // decoded, without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;                       // JSON bodies
    QString bodyFile;                      // an upload's body, in a temporary file removed after the answer
    QHostAddress peer;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString file;                       // when set: the body is this file, streamed
    bool removeFile = false;            // the file is removed once sent (or once the client is gone)
    std::function<HttpResponse()> work; // when set: run off the server's thread; its answer is sent

    static HttpResponse json(int status, const QJsonObject &object);
    // {"error": message}: messages say what is wrong and where, never a path of this computer.
    static HttpResponse error(int status, const QString &message);
    // 422 {"error", "problems": [{"field", "message"}, ...]}: each wrong field named.
    static HttpResponse problems(const QJsonArray &problems);
    static HttpResponse later(std::function<HttpResponse()> work);
    // The file as an attachment named downloadName (Content-Disposition).
    static HttpResponse download(const QString &file, const QString &downloadName, const QByteArray &contentType,
                                 bool removeFile);
};

// The request's body as a JSON object in object, or the answer that says where it is not one (400). example: what
// the object should look like, for the message.
std::optional<HttpResponse> readJsonObject(const HttpRequest &request, QJsonObject &object,
                                           const QString &example = QString());
// {"field", "message"}: one entry of HttpResponse::problems.
QJsonObject fieldProblem(const QString &field, const QString &message);

struct HttpLimits
{
    qint64 maxBodyBytes = 64 * 1024;
    // Which requests are uploads (their body goes to a file, any Content-Type), and how large one may be.
    std::function<bool(const HttpRequest &)> isUpload;
    qint64 maxUploadBytes = 0;
    QString uploadFolder; // where upload bodies are written; the system's temporary folder when empty
    int maxConnections = 64;
    int deadlineMs = 60000; // for a request (not an upload) to arrive whole
    // The Host names (without port) answered besides the loopback names when listening on another address; empty:
    // any. On a loopback address only loopback names are answered.
    QStringList hostNames;
};

class HttpConnection;

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    HttpServer(Handler handler, HttpLimits limits, QObject *parent = nullptr);
    ~HttpServer() override; // waits for the work under way

    // Whether it listens; the port then is the one asked for, or the one the system chose for 0.
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QHostAddress address() const;
    QString errorString() const;

private:
    friend class HttpConnection;
    void accept();
    bool hostIsAnswered(const QByteArray &host) const;
    HttpResponse handle(const HttpRequest &request) const; // the handler, its exceptions turned into 500

    Handler m_handler;
    HttpLimits m_limits;
    QTcpServer *m_server;
    QThreadPool m_pool; // slow work
    int m_connections = 0;
};

} // namespace mtm::core
