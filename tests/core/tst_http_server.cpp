// The HTTP server under its limits, through raw sockets: connections beyond the cap answered 503 at once, a
// request that does not arrive whole within the deadline answered 408, an upload larger than its limit refused
// with 413 before it is stored (nothing left in the upload folder), one within it handed over as a file that is
// gone after the answer, chunked bodies 501, headers too large 431.
#include "http/HttpService.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace mtm::core;

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_uploads.isValid());
        m_seenFile.clear();
        m_seenSize = -1;
    }

    void cleanup() { m_service.reset(); }

    void connectionsBeyondTheCapAreAnswered503()
    {
        HttpLimits limits;
        limits.maxConnections = 2;
        start(limits);
        QTcpSocket first, second, third;
        for (QTcpSocket *socket : {&first, &second})
            QVERIFY(connect(*socket));
        QTest::qWait(200); // both accepted and waiting for their requests
        QVERIFY(connect(third));
        QVERIFY2(answer(third).startsWith("HTTP/1.1 503"), answer(third).constData());
        // The first two are still served.
        first.write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(answer(first).startsWith("HTTP/1.1 200"));
    }

    void aRequestThatDoesNotArriveWholeInTimeIsAnswered408()
    {
        HttpLimits limits;
        limits.deadlineMs = 300;
        start(limits);
        QTcpSocket socket;
        QVERIFY(connect(socket));
        socket.write("POST /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20"
                     "\r\n\r\n{\"a\":");
        const QByteArray got = answer(socket);
        QVERIFY2(got.startsWith("HTTP/1.1 408"), got.constData());
    }

    void anUploadOverItsLimitIsRefusedBeforeItIsStored()
    {
        start(uploadLimits(1000));
        QTcpSocket socket;
        QVERIFY(connect(socket));
        socket.write(
            "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 5000\r\n\r\n");
        socket.write(QByteArray(5000, 'x'));
        const QByteArray got = answer(socket);
        QVERIFY2(got.startsWith("HTTP/1.1 413"), got.constData());
        QVERIFY2(got.contains("1000"), got.constData()); // says the limit
        QCOMPARE(m_seenSize, -1);                        // the handler never saw it
        QVERIFY(QDir(m_uploads.path()).isEmpty(QDir::Files | QDir::NoDotAndDotDot));
    }

    void anUploadWithinItsLimitIsAFileGoneAfterTheAnswer()
    {
        start(uploadLimits(1000));
        QTcpSocket socket;
        QVERIFY(connect(socket));
        socket.write(
            "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 600\r\n\r\n");
        for (int piece = 0; piece < 6; ++piece) { // in pieces, as a network delivers it
            socket.write(QByteArray(100, char('a' + piece)));
            socket.flush();
            QTest::qWait(20);
        }
        const QByteArray got = answer(socket);
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.constData());
        QCOMPARE(m_seenSize, 600);
        QVERIFY(!m_seenFile.isEmpty());
        QTRY_VERIFY(!QFile::exists(m_seenFile));
    }

    void chunkedBodiesAndHugeHeadersAreRefused()
    {
        start(HttpLimits());
        QTcpSocket chunked;
        QVERIFY(connect(chunked));
        chunked.write("POST /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        QVERIFY(answer(chunked).startsWith("HTTP/1.1 501"));
        QTcpSocket huge;
        QVERIFY(connect(huge));
        huge.write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + QByteArray(40 * 1024, 'f') + "\r\n\r\n");
        QVERIFY(answer(huge).startsWith("HTTP/1.1 431"));
    }

private:
    HttpLimits uploadLimits(qint64 maxUploadBytes)
    {
        HttpLimits limits;
        limits.isUpload = [](const HttpRequest &request) { return request.path == QLatin1String("/upload"); };
        limits.maxUploadBytes = maxUploadBytes;
        limits.uploadFolder = m_uploads.path();
        return limits;
    }

    void start(const HttpLimits &limits)
    {
        m_service = std::make_unique<HttpService>(
            QStringLiteral("the test service"),
            [this](const HttpRequest &request) {
                if (!request.bodyFile.isEmpty()) {
                    m_seenFile = request.bodyFile;
                    m_seenSize = QFileInfo(request.bodyFile).size();
                }
                return HttpResponse::json(200, QJsonObject{{QStringLiteral("ok"), true}});
            },
            limits);
        m_port = m_service->start(QHostAddress::LocalHost, 0);
    }

    bool connect(QTcpSocket &socket)
    {
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        return socket.waitForConnected(5000);
    }

    // Everything the server sends until it closes the connection (or 10 s pass).
    static QByteArray answer(QTcpSocket &socket)
    {
        QByteArray got;
        QElapsedTimer clock;
        clock.start();
        while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 10000) {
            socket.waitForReadyRead(100);
            got += socket.readAll();
        }
        return got + socket.readAll();
    }

    QTemporaryDir m_uploads;
    std::unique_ptr<HttpService> m_service;
    quint16 m_port = 0;
    QString m_seenFile;
    qint64 m_seenSize = -1;
};

QTEST_MAIN(TestHttpServer)
#include "tst_http_server.moc"
