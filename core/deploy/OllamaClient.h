// Ollama's REST API as the app needs it (../shared/reference/formats.md §2): the server's version and models,
// blobs uploaded only when the server lacks them, a model created with its streamed status, a chat answer (whole
// or streamed) and embeddings. The
// calls block (run them off the UI thread: the window's background tasks and the command line do); every one has
// a time limit for a server that stalls, and every failure is an Error that says what the server said.
#pragma once

#include "Progress.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace mtm::core {

// The server as Ollama's own command line finds it: hostOption (a --host value), else OLLAMA_HOST, else the
// address in Settings; "host", "host:port", "http://host[:port]" and "https://…" forms as Ollama reads them
// (port 11434 unless a scheme is given, then 80 or 443). Throws Error (InvalidInput) for one it cannot read.
QUrl ollamaServer(const QString &hostOption, const QString &settingsUrl);

// "sha256:<64 hex digits>" of a file, read in pieces; progress(bytes, file size). Throws Error (Io, Cancelled).
QString sha256Digest(const QString &path, const Progress &progress = {});

class OllamaClient
{
public:
    // timeoutMs: how long a call may go without the server sending or taking a byte.
    explicit OllamaClient(QUrl server, int timeoutMs = 30000);
    ~OllamaClient();

    const QUrl &server() const { return m_server; }
    // Asked ten times a second during every call: returning false stops the call (Error of kind Cancelled).
    void setKeepGoing(std::function<bool()> keepGoing) { m_keepGoing = std::move(keepGoing); }

    QString version();                   // GET /api/version
    bool hasBlob(const QString &digest); // HEAD /api/blobs/<digest>
    // POST /api/blobs/<digest>, the file streamed; progress(bytes sent, bytes). The server checks the digest.
    void uploadBlob(const QString &path, const QString &digest, const Progress &progress);
    // POST /api/create, following its NDJSON status lines; onStatus(status, completed, total) returns false to stop.
    using StatusCallback = std::function<bool(const QString &status, qint64 completed, qint64 total)>;
    void create(const QJsonObject &request, const StatusCallback &onStatus);
    // POST /api/chat: the answer's text. With onText, the answer is streamed and each piece heard as it comes;
    // returning false stops it (Error of kind Cancelled).
    using TextCallback = std::function<bool(const QString &piece)>;
    QString chat(const QString &model, const QJsonArray &messages, const QJsonObject &options,
                 const TextCallback &onText = {});
    // GET /api/tags: the names of the models the server has, sorted.
    QStringList models();
    // POST /api/embed: one vector per text, as the model gives them. Throws Error (NotFound for a model the server
    // does not have, Io).
    std::vector<std::vector<float>> embed(const QString &model, const QStringList &texts);

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
    };
    QNetworkRequest request(const QString &path) const;
    // Waits for the reply; throws Error for a transport failure, a timeout or an HTTP error status.
    // A 404 answer is returned as it is when notFoundIsAnAnswer (the caller tells what it means).
    Answer finish(QNetworkReply *reply, const QString &what, const std::function<bool()> &keepGoing = {},
                  bool notFoundIsAnAnswer = false);
    // Hears each line of a streamed NDJSON answer as a JSON object; returning false stops the call.
    void streamLines(QNetworkReply *reply, const QString &what,
                     const std::function<bool(const QJsonObject &line)> &onLine);
    // "Ollama refused <what> (HTTP <status>): <what it said>".
    static QString refusal(const QString &what, const Answer &answer);

    QUrl m_server;
    int m_timeoutMs;
    std::function<bool()> m_keepGoing;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

} // namespace mtm::core
