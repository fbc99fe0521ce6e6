// The code snippets run: the curl ones against a strict stand-in Ollama server get the model's answer, the
// Python ones compile, the PHP one passes PHP's own check where PHP is installed, the shell ones parse.
#include "common/FakeOllama.h"
#include "deploy/CodeSnippets.h"
#include "deploy/OllamaClient.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mtm::core;

class TestCodeSnippets : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString run(const QString &program, const QStringList &arguments, int *exitCode)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        process.waitForFinished(60000);
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        return QString::fromUtf8(process.readAll());
    }

private Q_SLOTS:
    void everySnippetRunsOrCompiles()
    {
        mtm::test::FakeOllama server(m_dir.filePath(QStringLiteral("blobs")), {});
        // A model the server knows, created as deploying creates it.
        OllamaClient client(QUrl(server.url()));
        QFile model(m_dir.filePath(QStringLiteral("m.gguf")));
        QVERIFY(model.open(QIODevice::WriteOnly));
        model.write("GGUF");
        model.close();
        const QString digest = sha256Digest(model.fileName());
        client.uploadBlob(model.fileName(), digest, {});
        client.create({{QStringLiteral("model"), QStringLiteral("starter-faq")},
                       {QStringLiteral("files"), QJsonObject{{QStringLiteral("m.gguf"), digest}}}},
                      {});

        const QVector<CodeSnippet> snippets =
            codeSnippets({QUrl(server.url()), QStringLiteral("starter-faq"),
                          QUrl(QStringLiteral("http://localhost:1234/v1")), QStringLiteral("starter-model-lora")});
        QCOMPARE(snippets.size(), 7);
        const bool php = !QStandardPaths::findExecutable(QStringLiteral("php")).isEmpty();
        int ran = 0;
        for (const CodeSnippet &snippet : snippets) {
            QVERIFY2(snippet.code.contains(snippet.title.contains(QStringLiteral("LM Studio"))
                                               ? QStringLiteral("starter-model-lora")
                                               : QStringLiteral("starter-faq")),
                     qPrintable(snippet.title));
            const QString file = m_dir.filePath(QStringLiteral("snippet-%1").arg(ran++));
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(snippet.code.toUtf8());
            out.close();
            int exitCode = 0;
            if (snippet.language == QLatin1String("bash")) {
                QCOMPARE((run(QStringLiteral("bash"), {QStringLiteral("-n"), file}, &exitCode), exitCode), 0);
                if (snippet.title.contains(QStringLiteral("Ollama"))) {
                    const QString answer = run(QStringLiteral("bash"), {file}, &exitCode);
                    QCOMPARE(exitCode, 0);
                    QVERIFY2(answer.contains(QStringLiteral("Hello from the fake Ollama.")), qPrintable(answer));
                }
            } else if (snippet.language == QLatin1String("python")) {
                const QString output = run(QStringLiteral("python3"),
                                           {QStringLiteral("-m"), QStringLiteral("py_compile"), file}, &exitCode);
                QVERIFY2(exitCode == 0, qPrintable(output));
            } else if (snippet.language == QLatin1String("php") && php) {
                const QString output = run(QStringLiteral("php"), {QStringLiteral("-l"), file}, &exitCode);
                QVERIFY2(exitCode == 0, qPrintable(output));
            }
        }
        if (!php)
            qInfo("php is not installed here: the PHP snippet was not checked by PHP");
    }
};

QTEST_GUILESS_MAIN(TestCodeSnippets)
#include "tst_code_snippets.moc"
