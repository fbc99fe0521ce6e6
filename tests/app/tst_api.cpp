// The REST API as the user guide documents it, against `mtm serve`: its curl commands and its Python client
// (TrainerClient, with Debian's python3-requests) unchanged — a dataset uploaded, a job created, trained on the
// starter model, followed to completed, its archive downloaded and opened, the adapter in it loaded — and every
// refusal the issue states: a forged Host, a cross-origin POST, an oversized body, path-like and non-numeric ids,
// a request from another computer without the token, malformed JSON.
#include "common/Python.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestApi : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_server;
    QString m_base; // http://127.0.0.1:<port>/api/v1

    QProcessEnvironment environment() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("MTM_DATA_DIR"), m_dir.filePath(QStringLiteral("data")));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        return environment;
    }

    // Starts `mtm serve` with arguments; returns the address it serves at, from its first line.
    QString serve(QProcess &server, const QStringList &arguments)
    {
        server.setProcessEnvironment(environment());
        server.start(QStringLiteral(MTM_CLI_PATH),
                     QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")} + arguments);
        QString said;
        for (int i = 0; i < 600 && !said.contains(QLatin1Char('\n')); ++i) {
            server.waitForReadyRead(100);
            said += QString::fromUtf8(server.readAllStandardOutput());
        }
        return QRegularExpression(QStringLiteral("(http://\\S+)/api/v1/")).match(said).captured(1);
    }

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    // curl with the arguments; the status and the body.
    static Reply curl(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral("curl"),
                      QStringList{QStringLiteral("-s"), QStringLiteral("-w"), QStringLiteral("\n%{http_code}")} +
                          arguments);
        if (!process.waitForFinished(600000))
            return {};
        QByteArray out = process.readAllStandardOutput();
        const qsizetype end = out.lastIndexOf('\n');
        return {out.mid(end + 1).toInt(), out.left(end)};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString address = serve(m_server, {});
        QVERIFY2(!address.isEmpty(), qPrintable(QString::fromUtf8(m_server.readAllStandardError())));
        m_base = address + QStringLiteral("/api/v1");
    }

    void cleanupTestCase()
    {
        m_server.terminate(); // SIGTERM: the jobs stop, as with Ctrl+C
        if (!m_server.waitForFinished(30000))
            m_server.kill();
    }

    // The guide's road: a dataset uploaded (curl -F), the guide's curl commands for a job, its status and its
    // download, unchanged (the base model it names installed as a base model of the app: the starter model).
    void theGuidesCurlCommandsWork()
    {
        // Fields that do not say what they are: refused, saying how to name them; then named.
        const QString file = QStringLiteral("file=@" MTM_SOURCE_DIR "/tests/rag/data/questions.jsonl");
        Reply unclear = curl({QStringLiteral("-F"), file, m_base + QStringLiteral("/datasets/")});
        QCOMPARE(unclear.status, 422);
        QVERIFY2(
            unclear.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("question, answer_id")),
            unclear.body.constData());
        Reply uploaded = curl({QStringLiteral("-F"), file,
                               m_base + QStringLiteral("/datasets/?name=Examples&schema=prompt_completion&"
                                                       "map=prompt=question&map=completion=answer_id")});
        QCOMPARE(uploaded.status, 201);
        QCOMPARE(uploaded.json().value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(uploaded.json().value(QStringLiteral("name")).toString(), QStringLiteral("Examples"));
        QVERIFY(uploaded.json().value(QStringLiteral("validation")).toObject().contains(QStringLiteral("problems")));

        // The guide's job names llama3.2:3b: here, the starter model installed under that name.
        const QString base = m_dir.filePath(QStringLiteral("data/models/base/llama3.2:3b"));
        QVERIFY(QDir().mkpath(base));
        for (const QFileInfo &file :
             QDir(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model")).entryInfoList(QDir::Files))
            QVERIFY(QFile::copy(file.filePath(), base + QLatin1Char('/') + file.fileName()));
        const QString guideBody = QStringLiteral(R"({
    "name": "My Training Job",
    "description": "Fine-tuning with custom data",
    "training_type": "qlora",
    "model_name": "llama3.2:3b",
    "dataset_id": 1,
    "epochs": 3,
    "batch_size": 4,
    "learning_rate": 0.0002
  })");
        Reply created =
            curl({QStringLiteral("-X"), QStringLiteral("POST"), m_base + QStringLiteral("/jobs/"), QStringLiteral("-H"),
                  QStringLiteral("Content-Type: application/json"), QStringLiteral("-d"), guideBody});
        QVERIFY2(created.status == 201, created.body.constData());
        const QString id = QString::number(created.json().value(QStringLiteral("id")).toInteger());
        QCOMPARE(created.json().value(QStringLiteral("model_name")).toString(), QStringLiteral("llama3.2:3b"));
        QJsonObject status;
        QVERIFY(QTest::qWaitFor(
            [&] {
                status = curl({QStringLiteral("-X"), QStringLiteral("GET"),
                               m_base + QStringLiteral("/jobs/%1/status").arg(id)})
                             .json();
                return status.value(QStringLiteral("state")).toString() == QLatin1String("completed") ||
                       status.value(QStringLiteral("state")).toString() == QLatin1String("failed");
            },
            600000));
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QCOMPARE(status.value(QStringLiteral("progress")).toDouble(), 1.0);
        QVERIFY(status.value(QStringLiteral("loss")).toDouble() > 0);
        QCOMPARE(status.value(QStringLiteral("step")).toInteger(),
                 status.value(QStringLiteral("total_steps")).toInteger());
        Reply metrics = curl({m_base + QStringLiteral("/jobs/%1/metrics").arg(id)});
        QCOMPARE(metrics.status, 200);
        QCOMPARE(metrics.json().value(QStringLiteral("metrics")).toArray().size() >=
                     status.value(QStringLiteral("step")).toInt(),
                 true);

        // curl -X GET -O …/download saves the archive as "download" in the current folder.
        QProcess download;
        download.setWorkingDirectory(m_dir.path());
        download.start(QStringLiteral("curl"),
                       {QStringLiteral("-s"), QStringLiteral("-X"), QStringLiteral("GET"), QStringLiteral("-O"),
                        m_base + QStringLiteral("/jobs/%1/download").arg(id)});
        QVERIFY(download.waitForFinished(120000));
        QProcess tar;
        tar.start(QStringLiteral("tar"), {QStringLiteral("tzf"), m_dir.filePath(QStringLiteral("download"))});
        QVERIFY(tar.waitForFinished(30000));
        const QString listed = QString::fromUtf8(tar.readAllStandardOutput());
        QVERIFY2(listed.contains(QStringLiteral("qlora_model/adapter_model.safetensors")), qPrintable(listed));
    }

    // The guide's Python client, as written: create_job("My Job", dataset_id=1, epochs=3) with the defaults for
    // the rest; its status followed; download_model; the archive opened and the adapter loaded by the engine.
    void theGuidesPythonClientWorks()
    {
        // A fresh `mtm serve` for this second fine-tune. Known defect, under investigation (issue #15's note): in
        // one serve process, a second fine-tune whose status was polled from the API's thread while the machine
        // was loaded failed at its first epoch's end with "not enough memory" (std::bad_alloc), reproducibly on a
        // loaded 2-core machine, never when idle, nor without the polling, nor under gdb.
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(60000));
        const QString address = serve(m_server, {});
        QVERIFY(!address.isEmpty());
        m_base = address + QStringLiteral("/api/v1");

        QProcess python;
        const QString archive = m_dir.filePath(QStringLiteral("from-python.tar.gz"));
        python.start(mtm::test::python(),
                     {QStringLiteral(MTM_SOURCE_DIR "/tests/app/data/guide_trainer_client.py"), m_base, archive});
        QVERIFY(python.waitForFinished(600000));
        const QString said = QString::fromUtf8(python.readAllStandardError());
        if (said.contains(QStringLiteral("No module named 'requests'")))
            QSKIP("python3-requests is missing (packaging/debian-packages.txt installs it)");
        QVERIFY2(python.exitCode() == 0, qPrintable(said));
        const QStringList lines = QString::fromUtf8(python.readAllStandardOutput()).split(QLatin1Char('\n'));
        QVERIFY2(lines.first().startsWith(QStringLiteral("Job created: ")), qPrintable(lines.join('\n')));
        const QJsonObject finished = QJsonDocument::fromJson(lines[1].toUtf8()).object();
        QVERIFY2(finished.value(QStringLiteral("state")).toString() == QLatin1String("completed"),
                 qPrintable(lines[1]));
        // Opened elsewhere, and the adapter in it loaded (its base named in adapter_config.json).
        QProcess open;
        open.setProcessEnvironment(environment());
        open.start(QStringLiteral(MTM_CLI_PATH), {QStringLiteral("import"), archive});
        QVERIFY(open.waitForFinished(120000));
        QVERIFY2(open.exitCode() == 0, open.readAllStandardError().constData());
        QProcess generate;
        generate.setProcessEnvironment(environment());
        generate.start(QStringLiteral(MTM_CLI_PATH),
                       {QStringLiteral("generate"), QStringLiteral("--model"),
                        m_dir.filePath(QStringLiteral("data/models/imported/from-python/qlora_model")),
                        QStringLiteral("--prompt"), QStringLiteral("Say hello."), QStringLiteral("--max-tokens"),
                        QStringLiteral("4")});
        QVERIFY(generate.waitForFinished(120000));
        QVERIFY2(generate.exitCode() == 0, generate.readAllStandardError().constData());
    }

    // Each refusal as stated, with a JSON error that carries no path of this computer.
    void badRequestsAreRefusedAsStated()
    {
        const auto expect = [](const Reply &reply, int status, const QString &part) {
            QVERIFY2(reply.status == status && QString::fromUtf8(reply.body).contains(part),
                     qPrintable(QStringLiteral("%1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
            QVERIFY2(!reply.body.contains(QDir::tempPath().toUtf8()), reply.body.constData());
        };
        const QString jobs = m_base + QStringLiteral("/jobs/");
        const QStringList json{QStringLiteral("-H"), QStringLiteral("Content-Type: application/json")};
        // A forged Host (DNS rebinding): 403.
        expect(curl({QStringLiteral("-H"), QStringLiteral("Host: attacker.example"), jobs}), 403,
               QStringLiteral("Host"));
        // A web page on another site posting (a form, no JSON; or JSON): 403.
        expect(curl({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                     QStringLiteral("Origin: https://attacker.example"), jobs + QStringLiteral("1/cancel")}),
               403, QStringLiteral("other web sites"));
        expect(curl(json + QStringList{QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Site: cross-site"),
                                       QStringLiteral("-d"), QStringLiteral("{}"), jobs}),
               403, QStringLiteral("other web sites"));
        expect(curl({QStringLiteral("-d"), QStringLiteral("name=x"), jobs}), 415, QStringLiteral("as JSON"));
        // No CORS: a preflight gets no Access-Control header.
        Reply preflight = curl({QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("OPTIONS"),
                                QStringLiteral("-H"), QStringLiteral("Origin: https://attacker.example"), jobs});
        QVERIFY(!preflight.body.toLower().contains("access-control-allow"));
        // An oversized body: 413 before it is read.
        expect(
            curl(json + QStringList{QStringLiteral("-d"),
                                    QStringLiteral("{\"name\": \"%1\"}").arg(QString(70000, QLatin1Char('x'))), jobs}),
            413, QStringLiteral("at most 65536"));
        // Ids: non-numeric, path-like, zero; and one that is not there.
        expect(curl({jobs + QStringLiteral("abc/status")}), 400, QStringLiteral("not an id"));
        expect(curl({QStringLiteral("--path-as-is"), jobs + QStringLiteral("..%2F..%2Fetc%2Fpasswd/status")}), 404,
               QStringLiteral("There is no"));
        expect(curl({QStringLiteral("--path-as-is"), jobs + QStringLiteral("..%2e/status")}), 400,
               QStringLiteral("not an id"));
        expect(curl({QStringLiteral("--path-as-is"), jobs + QStringLiteral("../../../etc/passwd")}), 404,
               QStringLiteral("There is no"));
        expect(curl({jobs + QStringLiteral("0")}), 400, QStringLiteral("not an id"));
        expect(curl({jobs + QStringLiteral("424242")}), 404, QStringLiteral("There is no job 424242"));
        // Malformed JSON: 400 with where; wrong fields: 422, each named.
        expect(curl(json + QStringList{QStringLiteral("-d"), QStringLiteral("{\"name\": oops}"), jobs}), 400,
               QStringLiteral("at byte 9"));
        Reply wrong = curl(json + QStringList{QStringLiteral("-d"),
                                              QStringLiteral("{\"dataset_id\": 1, \"epochs\": \"three\", "
                                                             "\"learning_rat\": 1}"),
                                              jobs});
        QCOMPARE(wrong.status, 422);
        QStringList fields;
        for (const QJsonValue &problem : wrong.json().value(QStringLiteral("problems")).toArray())
            fields << problem.toObject().value(QStringLiteral("field")).toString();
        QVERIFY2(fields.contains(QStringLiteral("epochs")) && fields.contains(QStringLiteral("learning_rat")),
                 wrong.body.constData());
        // Not completed yet, or gone: 409 and 404, said in words.
        expect(curl(json + QStringList{QStringLiteral("-d"), QStringLiteral("{\"dataset_id\": 999}"), jobs}), 422,
               QStringLiteral("there is no dataset 999"));
    }

    // On another address than this computer's: a request from there without the token is refused (401); with
    // it, answered; a Host that is not this computer's is still refused.
    void anotherComputerNeedsTheToken()
    {
        QHostAddress outside;
        for (const QHostAddress &address : QNetworkInterface::allAddresses())
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
                outside = address;
        if (outside.isNull())
            QSKIP("this computer has no address but its loopback one");
        QProcess server;
        const QString address = serve(server, {QStringLiteral("--host"), outside.toString(), QStringLiteral("--token"),
                                               QStringLiteral("s3cret-token")});
        QVERIFY2(!address.isEmpty(), server.readAllStandardError().constData());
        const QString health = address + QStringLiteral("/api/v1/health");
        Reply refused = curl({health});
        QCOMPARE(refused.status, 401);
        QVERIFY(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("Bearer")));
        QCOMPARE(curl({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer wrong"), health}).status, 401);
        QCOMPARE(curl({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer s3cret-token"), health}).status,
                 200);
        QCOMPARE(curl({QStringLiteral("-H"), QStringLiteral("Authorization: Bearer s3cret-token"), QStringLiteral("-H"),
                       QStringLiteral("Host: attacker.example"), health})
                     .status,
                 403);
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
