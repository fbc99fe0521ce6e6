// A strict stand-in for an Ollama server, for tests: HTTP/1.1 on 127.0.0.1 on a thread of its own, implementing
// the endpoints deploying uses as ../shared/reference/formats.md §2 documents them — version, blobs (HEAD, and
// POST with the digest verified against the bytes received), create (relative paths that name uploaded blobs only,
// NDJSON status lines sent one by one), chat (whole, or streamed as NDJSON pieces when "stream" is not false, as
// Ollama's default is), the model list, embeddings — and refusing anything else with Ollama's error bodies. It can
// also answer every request with an error, or take a request and never answer (a stalled server).
#pragma once

#include <algorithm>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <functional>
#include <memory>

namespace mtm::test {

class FakeOllama
{
public:
    enum class Behaviour { Normal, Errors, Stall };

    struct Options
    {
        Behaviour behaviour = Behaviour::Normal;
        QString version = QStringLiteral("0.12.3");
        QString answer = QStringLiteral("Hello from the fake Ollama.");
        bool refuseAdapters = false; // as recent Ollama releases may: a streamed error for ADAPTER models
        QStringList models;          // models it has from the start (with the one created last, /api/tags lists them)
    };

    // blobFolder: where uploaded blobs are kept, named by their digest (colon as dash, as Ollama's store does).
    FakeOllama(QString blobFolder, Options options)
        : m_blobs(std::move(blobFolder))
        , m_options(std::move(options))
    {
        m_server.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_server,
            [this] {
                m_server.listen(QHostAddress::LocalHost, 0);
                m_port = m_server.serverPort();
                QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] { accept(); });
            },
            Qt::BlockingQueuedConnection);
    }

    ~FakeOllama()
    {
        QThread *home = QThread::currentThread();
        QMetaObject::invokeMethod(
            &m_server,
            [this, home] {
                m_server.close();
                qDeleteAll(m_server.findChildren<QTcpSocket *>());
                m_server.moveToThread(home);
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    // What the server received, for the test to check.
    QJsonObject lastCreate() const
    {
        QMutexLocker lock(&m_mutex);
        return m_lastCreate;
    }
    QJsonObject lastChat() const
    {
        QMutexLocker lock(&m_mutex);
        return m_lastChat;
    }
    QStringList requests() const // "METHOD /path", in order
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    QString blobFile(const QString &digest) const
    {
        return m_blobs + QLatin1Char('/') + QString(digest).replace(QLatin1Char(':'), QLatin1Char('-'));
    }

private:
    struct Request
    {
        QByteArray method, path;
        QMap<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };

    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                *buffer += socket->readAll();
                Request request;
                while (take(*buffer, request))
                    answer(socket, request);
            });
        }
    }

    // One whole request off the front of the buffer, if it has arrived.
    static bool take(QByteArray &buffer, Request &request)
    {
        const int headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return false;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        request = Request();
        request.method = first.value(0);
        request.path = first.value(1);
        for (int i = 1; i < lines.size(); ++i) {
            const int colon = lines[i].indexOf(':');
            request.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
        }
        const qint64 length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return false;
        request.body = buffer.mid(headerEnd + 4, int(length));
        buffer.remove(0, int(headerEnd + 4 + length));
        return true;
    }

    static void reply(QTcpSocket *socket, int status, const QByteArray &body, bool head = false)
    {
        QByteArray text = "HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n";
        socket->write(head ? text : text + body);
    }

    // A word's hash, the same in every run (Qt's qHash may be seeded per process).
    static quint32 fnv1a(const QString &word)
    {
        quint32 hash = 2166136261u;
        for (const QChar c : word) {
            hash ^= c.unicode();
            hash *= 16777619u;
        }
        return hash;
    }

    static QByteArray error(const QString &message)
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    }

    void answer(QTcpSocket *socket, const Request &request)
    {
        {
            QMutexLocker lock(&m_mutex);
            m_requests << QString::fromLatin1(request.method + ' ' + request.path);
        }
        if (m_options.behaviour == Behaviour::Stall)
            return; // read, never answered
        if (!request.headers.contains("host"))
            return reply(socket, 400, error(QStringLiteral("no Host header")));
        if (m_options.behaviour == Behaviour::Errors)
            return reply(socket, 500, error(QStringLiteral("something went wrong inside the fake server")),
                         request.method == "HEAD");
        static const QRegularExpression blobPath(QStringLiteral("^/api/blobs/(sha256:[0-9a-f]{64})$"));
        const QRegularExpressionMatch blob = blobPath.match(QString::fromLatin1(request.path));
        if (request.method == "GET" && request.path == "/api/version")
            return reply(socket, 200,
                         QJsonDocument(QJsonObject{{QStringLiteral("version"), m_options.version}}).toJson());
        if (request.path.startsWith("/api/blobs/") && !blob.hasMatch())
            return reply(socket, 400, error(QStringLiteral("invalid digest format")), request.method == "HEAD");
        if (request.method == "HEAD" && blob.hasMatch())
            return reply(socket, QFile::exists(blobFile(blob.captured(1))) ? 200 : 404, {}, true);
        if (request.method == "POST" && blob.hasMatch()) {
            const QString digest =
                QStringLiteral("sha256:") +
                QString::fromLatin1(QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex());
            if (digest != blob.captured(1))
                return reply(
                    socket, 400,
                    error(
                        QStringLiteral("digest mismatch, expected \"%1\", got \"%2\"").arg(blob.captured(1), digest)));
            QDir().mkpath(m_blobs);
            QFile file(blobFile(digest));
            const bool existed = file.exists();
            file.open(QIODevice::WriteOnly);
            file.write(request.body);
            return reply(socket, existed ? 200 : 201, {});
        }
        if (request.method == "POST" && request.path == "/api/create")
            return create(socket, QJsonDocument::fromJson(request.body).object());
        if (request.method == "POST" && request.path == "/api/chat") {
            const QJsonObject chat = QJsonDocument::fromJson(request.body).object();
            {
                QMutexLocker lock(&m_mutex);
                m_lastChat = chat;
            }
            if (!models().contains(chat.value(QStringLiteral("model")).toString()))
                return reply(socket, 404,
                             error(QStringLiteral("model \"%1\" not found, try pulling it first")
                                       .arg(chat.value(QStringLiteral("model")).toString())));
            if (chat.value(QStringLiteral("stream")).toBool(true)) { // the answer word by word, then done
                QList<QByteArray> lines;
                for (const QString &word : m_options.answer.split(QLatin1Char(' ')))
                    lines << QJsonDocument(
                                 QJsonObject{{QStringLiteral("model"), chat.value(QStringLiteral("model"))},
                                             {QStringLiteral("message"),
                                              QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                          {QStringLiteral("content"),
                                                           lines.isEmpty() ? word : QLatin1Char(' ') + word}}},
                                             {QStringLiteral("done"), false}})
                                     .toJson(QJsonDocument::Compact) +
                                 '\n';
                lines << QByteArray("{\"done\":true,\"done_reason\":\"stop\"}\n");
                return streamChunks(socket, lines);
            }
            const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                                      {QStringLiteral("content"), m_options.answer}};
            return reply(socket, 200,
                         QJsonDocument(QJsonObject{{QStringLiteral("model"), chat.value(QStringLiteral("model"))},
                                                   {QStringLiteral("message"), message},
                                                   {QStringLiteral("done"), true}})
                             .toJson(QJsonDocument::Compact));
        }
        if (request.method == "GET" && request.path == "/api/tags") {
            QJsonArray list;
            for (const QString &name : models())
                list.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("model"), name}});
            return reply(socket, 200, QJsonDocument(QJsonObject{{QStringLiteral("models"), list}}).toJson());
        }
        if (request.method == "POST" && request.path == "/api/embed") {
            // Embedding models it "has": any name but "missing"; each text a hashed bag of its lowercase words in
            // 64 dimensions, not normalised (as some models' vectors are not).
            const QJsonObject embed = QJsonDocument::fromJson(request.body).object();
            if (embed.value(QStringLiteral("model")).toString() == QLatin1String("missing"))
                return reply(socket, 404, error(QStringLiteral("model \"missing\" not found, try pulling it first")));
            const QJsonValue input = embed.value(QStringLiteral("input"));
            const QJsonArray texts = input.isString() ? QJsonArray{input} : input.toArray();
            if (texts.isEmpty() ||
                !std::all_of(texts.begin(), texts.end(), [](const QJsonValue &t) { return t.isString(); }))
                return reply(socket, 400, error(QStringLiteral("input must be a string or a list of strings")));
            QJsonArray embeddings;
            for (const QJsonValue &text : texts) {
                QVector<double> vector(64, 0.0);
                for (const QString &word :
                     text.toString().toLower().split(QRegularExpression(QStringLiteral("\\W+")), Qt::SkipEmptyParts))
                    vector[int(fnv1a(word) % 64)] += 2.0;
                vector[0] += 0.5;
                QJsonArray row;
                for (const double value : vector)
                    row.append(value);
                embeddings.append(row);
            }
            return reply(socket, 200,
                         QJsonDocument(QJsonObject{{QStringLiteral("model"), embed.value(QStringLiteral("model"))},
                                                   {QStringLiteral("embeddings"), embeddings}})
                             .toJson(QJsonDocument::Compact));
        }
        if (request.method == "POST" && request.path == "/api/generate") {
            const QJsonObject generate = QJsonDocument::fromJson(request.body).object();
            if (generate.value(QStringLiteral("model")).toString() !=
                lastCreate().value(QStringLiteral("model")).toString())
                return reply(socket, 404,
                             error(QStringLiteral("model \"%1\" not found, try pulling it first")
                                       .arg(generate.value(QStringLiteral("model")).toString())));
            return reply(socket, 200,
                         QJsonDocument(QJsonObject{{QStringLiteral("model"), generate.value(QStringLiteral("model"))},
                                                   {QStringLiteral("response"), m_options.answer},
                                                   {QStringLiteral("done"), true}})
                             .toJson(QJsonDocument::Compact));
        }
        reply(socket, 404, error(QStringLiteral("404 page not found")), request.method == "HEAD");
    }

    // /api/create: checked as the server does before it streams, then status lines one at a time.
    void create(QTcpSocket *socket, const QJsonObject &body)
    {
        if (body.value(QStringLiteral("model")).toString().isEmpty())
            return reply(socket, 400, error(QStringLiteral("model is required")));
        if (!body.contains(QStringLiteral("from")) && !body.contains(QStringLiteral("files")))
            return reply(socket, 400, error(QStringLiteral("neither 'from' or 'files' was specified")));
        QStringList layers;
        for (const char *key : {"files", "adapters"}) {
            const QJsonObject files = body.value(QLatin1String(key)).toObject();
            for (auto it = files.begin(); it != files.end(); ++it) {
                if (it.key().startsWith(QLatin1Char('/')) || it.key().contains(QStringLiteral("..")))
                    return reply(socket, 400, error(QStringLiteral("insecure path: %1").arg(it.key())));
                if (!QFile::exists(blobFile(it.value().toString())))
                    return reply(socket, 400, error(QStringLiteral("file %1 not found").arg(it.value().toString())));
                layers << it.value().toString();
            }
        }
        {
            QMutexLocker lock(&m_mutex);
            m_lastCreate = body;
        }
        QList<QByteArray> lines;
        const auto line = [&](const QJsonObject &object) {
            lines << QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
        };
        line({{QStringLiteral("status"), QStringLiteral("parsing GGUF")}});
        for (const QString &layer : layers)
            line({{QStringLiteral("status"), QStringLiteral("using existing layer %1").arg(layer)}});
        if (m_options.refuseAdapters && body.contains(QStringLiteral("adapters")))
            line({{QStringLiteral("error"), QStringLiteral("adapters are not supported by this model's runner")}});
        else {
            line({{QStringLiteral("status"), QStringLiteral("writing manifest")}});
            line({{QStringLiteral("status"), QStringLiteral("success")}});
        }
        streamChunks(socket, lines);
    }

    QStringList models() const
    {
        QStringList names = m_options.models;
        if (const QString created = lastCreate().value(QStringLiteral("model")).toString(); !created.isEmpty())
            names << created;
        return names;
    }

    // An NDJSON answer, one line a chunk every 20 ms, as a server working through the steps sends them.
    static void streamChunks(QTcpSocket *socket, const QList<QByteArray> &lines)
    {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
        auto *timer = new QTimer(socket);
        QObject::connect(timer, &QTimer::timeout, socket, [socket, timer, lines, index = 0]() mutable {
            if (index < lines.size()) {
                socket->write(QByteArray::number(lines[index].size(), 16) + "\r\n" + lines[index] + "\r\n");
                ++index;
            } else {
                socket->write("0\r\n\r\n");
                timer->deleteLater();
            }
        });
        timer->start(20);
    }

    QString m_blobs;
    Options m_options;
    QThread m_thread;
    QTcpServer m_server;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QJsonObject m_lastCreate, m_lastChat;
    QStringList m_requests;
};

} // namespace mtm::test
