// The Ollama client against a strict stand-in server (tests/common/FakeOllama.h): where the server is found, its
// version, blobs uploaded and verified, a model created with its streamed status, a chat answer; and a server that
// is down, one that answers errors, one that stalls, and the refusals Ollama makes.
#include "Error.h"
#include "common/FakeOllama.h"
#include "deploy/OllamaClient.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace mtm::core;
using mtm::test::FakeOllama;

namespace {

QString write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(bytes);
    return path;
}

} // namespace

class TestOllamaClient : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    template <typename Call> Error failure(Call call)
    {
        try {
            call();
        } catch (const Error &error) {
            return error;
        }
        return Error(Error::Kind::Internal, QStringLiteral("no error"));
    }

private Q_SLOTS:
    void theServerIsFoundAsOllamaFindsIt_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("expected");
        const QString settings = QStringLiteral("http://localhost:11434");
        QTest::newRow("settings") << QString() << QString() << settings;
        QTest::newRow("environment over settings")
            << QString() << QStringLiteral("gpu-box") << QStringLiteral("http://gpu-box:11434");
        QTest::newRow("option over both")
            << QStringLiteral("10.0.0.5:8080") << QStringLiteral("gpu-box") << QStringLiteral("http://10.0.0.5:8080");
        QTest::newRow("scheme brings port 80")
            << QStringLiteral("http://gpu-box") << QString() << QStringLiteral("http://gpu-box:80");
        QTest::newRow("https brings 443") << QStringLiteral("https://ollama.example.com") << QString()
                                          << QStringLiteral("https://ollama.example.com:443");
        QTest::newRow("all interfaces") << QStringLiteral("0.0.0.0") << QString()
                                        << QStringLiteral("http://0.0.0.0:11434");
        QTest::newRow("IPv6") << QStringLiteral("[::1]:11500") << QString() << QStringLiteral("http://[::1]:11500");
    }

    void theServerIsFoundAsOllamaFindsIt()
    {
        QFETCH(QString, option);
        QFETCH(QString, environment);
        QFETCH(QString, expected);
        qputenv("OLLAMA_HOST", environment.toUtf8());
        QCOMPARE(ollamaServer(option, QStringLiteral("http://localhost:11434")).toString(), expected);
        qunsetenv("OLLAMA_HOST");
    }

    void aBadAddressIsExplained()
    {
        const Error error = failure([] { ollamaServer(QStringLiteral("ftp://gpu-box"), {}); });
        QCOMPARE(error.kind(), Error::Kind::InvalidInput);
        QVERIFY2(error.message().contains(QStringLiteral("is not an address of an Ollama server")),
                 qPrintable(error.message()));
    }

    void theWholeConversationWithAServer()
    {
        FakeOllama server(m_dir.filePath(QStringLiteral("blobs")), {});
        OllamaClient client(QUrl(server.url()));
        QCOMPARE(client.version(), QStringLiteral("0.12.3"));

        const QByteArray bytes = QByteArray("GGUF") + QByteArray(3 << 20, 'x');
        const QString file = write(m_dir.filePath(QStringLiteral("model.gguf")), bytes);
        const QString digest = sha256Digest(file);
        QCOMPARE(digest, QStringLiteral("sha256:") +
                             QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY(!client.hasBlob(digest));
        qint64 lastSent = 0;
        client.uploadBlob(file, digest, [&](qint64 done, qint64) {
            lastSent = done;
            return true;
        });
        QVERIFY(client.hasBlob(digest));
        QCOMPARE(QFileInfo(server.blobFile(digest)).size(), bytes.size());
        QCOMPARE(lastSent, bytes.size());

        // A digest that is not the bytes' is refused by the server, and said.
        const QString other = write(m_dir.filePath(QStringLiteral("other.gguf")), "other bytes");
        const Error mismatch = failure([&] { client.uploadBlob(other, digest, {}); });
        QVERIFY2(mismatch.message().contains(QStringLiteral("digest mismatch")), qPrintable(mismatch.message()));

        QStringList statuses;
        client.create({{QStringLiteral("model"), QStringLiteral("my-model")},
                       {QStringLiteral("files"), QJsonObject{{QStringLiteral("model.gguf"), digest}}},
                       {QStringLiteral("template"), QStringLiteral("{{ .Prompt }}")}},
                      [&](const QString &status, qint64, qint64) {
                          statuses << status;
                          return true;
                      });
        QCOMPARE(statuses.first(), QStringLiteral("parsing GGUF"));
        QCOMPARE(statuses.last(), QStringLiteral("success"));
        QCOMPARE(server.lastCreate().value(QStringLiteral("template")).toString(), QStringLiteral("{{ .Prompt }}"));

        const QJsonArray messages{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                              {QStringLiteral("content"), QStringLiteral("Say hello.")}}};
        const QJsonObject options{
            {QStringLiteral("temperature"), 0}, {QStringLiteral("seed"), 42}, {QStringLiteral("repeat_penalty"), 1}};
        QCOMPARE(client.chat(QStringLiteral("my-model"), messages, options),
                 QStringLiteral("Hello from the fake Ollama."));
        QCOMPARE(server.lastChat().value(QStringLiteral("options")).toObject(), options);
        QCOMPARE(server.lastChat().value(QStringLiteral("stream")).toBool(true), false);
        // Streamed: the pieces heard one by one make the whole answer; false from the callback stops it.
        QStringList pieces;
        QCOMPARE(client.chat(QStringLiteral("my-model"), messages, options,
                             [&](const QString &piece) {
                                 pieces << piece;
                                 return true;
                             }),
                 QStringLiteral("Hello from the fake Ollama."));
        QCOMPARE(server.lastChat().value(QStringLiteral("stream")).toBool(false), true);
        QCOMPARE(pieces.size(), 5);
        QCOMPARE(pieces.join(QString()), QStringLiteral("Hello from the fake Ollama."));
        pieces.clear();
        const Error stopped = failure([&] {
            client.chat(QStringLiteral("my-model"), messages, options, [&](const QString &piece) {
                pieces << piece;
                return pieces.size() < 2;
            });
        });
        QCOMPARE(stopped.kind(), Error::Kind::Cancelled);
        QCOMPARE(pieces.size(), 2);
        QCOMPARE(client.models(), QStringList{QStringLiteral("my-model")});
        const Error unknown = failure([&] { client.chat(QStringLiteral("nobody"), messages, options); });
        QVERIFY2(unknown.message().contains(QStringLiteral("HTTP 404")) &&
                     unknown.message().contains(QStringLiteral("not found")),
                 qPrintable(unknown.message()));

        // Refusals before anything streams: a path that climbs out, a blob the server does not have.
        const Error insecure = failure([&] {
            client.create({{QStringLiteral("model"), QStringLiteral("x")},
                           {QStringLiteral("files"), QJsonObject{{QStringLiteral("../model.gguf"), digest}}}},
                          {});
        });
        QVERIFY2(insecure.message().contains(QStringLiteral("insecure path")), qPrintable(insecure.message()));
        const Error missing = failure([&] {
            client.create(
                {{QStringLiteral("model"), QStringLiteral("x")},
                 {QStringLiteral("files"),
                  QJsonObject{{QStringLiteral("a.gguf"), QStringLiteral("sha256:") + QString(64, QLatin1Char('0'))}}}},
                {});
        });
        QVERIFY2(missing.message().contains(QStringLiteral("not found")), qPrintable(missing.message()));
    }

    void aRefusedAdapterIsAnErrorOfItsOwn()
    {
        FakeOllama::Options options;
        options.refuseAdapters = true;
        FakeOllama server(m_dir.filePath(QStringLiteral("blobs-refusing")), options);
        OllamaClient client(QUrl(server.url()));
        const QString file = write(m_dir.filePath(QStringLiteral("adapter.gguf")), "GGUF adapter");
        const QString digest = sha256Digest(file);
        client.uploadBlob(file, digest, {});
        const Error error = failure([&] {
            client.create({{QStringLiteral("model"), QStringLiteral("x")},
                           {QStringLiteral("from"), QStringLiteral("llama3.2:1b")},
                           {QStringLiteral("adapters"), QJsonObject{{QStringLiteral("adapter.gguf"), digest}}}},
                          {});
        });
        QCOMPARE(error.kind(), Error::Kind::InvalidInput);
        QVERIFY2(error.message().contains(QStringLiteral("could not create the model: adapters are not supported")),
                 qPrintable(error.message()));
    }

    void aServerThatIsDownErrsOrStallsIsExplained()
    {
        // Down: a port nothing listens on.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl nobody(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
        probe.close();
        Error error = failure([&] { OllamaClient(nobody).version(); });
        QCOMPARE(error.kind(), Error::Kind::Io);
        QVERIFY2(error.message().contains(QStringLiteral("does not answer")) &&
                     error.message().contains(QStringLiteral("ollama serve")),
                 qPrintable(error.message()));

        FakeOllama::Options errors;
        errors.behaviour = FakeOllama::Behaviour::Errors;
        FakeOllama failing(m_dir.filePath(QStringLiteral("blobs-failing")), errors);
        error = failure([&] { OllamaClient(QUrl(failing.url())).version(); });
        QVERIFY2(error.message().contains(QStringLiteral("HTTP 500")) &&
                     error.message().contains(QStringLiteral("something went wrong inside the fake server")),
                 qPrintable(error.message()));

        // Stalled: the request is taken and never answered; the time limit ends the wait.
        FakeOllama::Options stall;
        stall.behaviour = FakeOllama::Behaviour::Stall;
        FakeOllama stalled(m_dir.filePath(QStringLiteral("blobs-stalled")), stall);
        QElapsedTimer timer;
        timer.start();
        error = failure([&] { OllamaClient(QUrl(stalled.url()), 1000).version(); });
        QVERIFY2(error.message().contains(QStringLiteral("stopped answering")), qPrintable(error.message()));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(stalled.requests(), QStringList{QStringLiteral("GET /api/version")});
    }
};

QTEST_GUILESS_MAIN(TestOllamaClient)
#include "tst_ollama_client.moc"
