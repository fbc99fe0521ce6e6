// Tests of the `mtm` command line as a user runs it: output, exit codes and no side effects.
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCli : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    Result run(const QStringList &arguments)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("MTM_DATA_DIR"), m_dir.filePath(QStringLiteral("data")));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(MTM_CLI_PATH), arguments);
        if (!process.waitForFinished(60000))
            return {};
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    QTemporaryDir m_dir;

private slots:
    void printsItsVersion()
    {
        const Result result = run({QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QStringLiteral("mtm " MTM_VERSION "\n"));
    }

    void infoPrintsVersionsDeviceAndDataDirectory()
    {
        const Result result = run({QStringLiteral("info")});
        QCOMPARE(result.exitCode, 0);
        for (const char *label :
             {"Qt ", "LibTorch ", "FAISS ", "CUDA ", "Compute device ", "CPU ", "Data directory ", "Database "})
            QVERIFY2(result.out.contains(QLatin1String(label)), qPrintable(result.out));
        QVERIFY2(result.out.contains(QString::fromLatin1(qVersion())), qPrintable(result.out));
        QVERIFY2(result.out.contains(m_dir.filePath(QStringLiteral("data")) + QStringLiteral(" (set by the environment "
                                                                                             "variable MTM_DATA_DIR)")),
                 qPrintable(result.out));
        QVERIFY2(result.out.contains(QStringLiteral("not created yet")), qPrintable(result.out));
        QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("data"))), "mtm info must not create anything");
    }

    void infoAsJson()
    {
        const Result result = run({QStringLiteral("info"), QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(result.out.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value(QStringLiteral("qt")).toString(), QString::fromLatin1(qVersion()));
        QVERIFY(!json.value(QStringLiteral("libtorch")).toString().isEmpty());
        QVERIFY(!json.value(QStringLiteral("faiss")).toString().isEmpty());
        QVERIFY(json.contains(QStringLiteral("cuda_available")));
        QCOMPARE(json.value(QStringLiteral("data_directory")).toString(), m_dir.filePath(QStringLiteral("data")));
    }

    void helpListsTheCommands()
    {
        const Result result = run({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains(QStringLiteral("info")));
        QVERIFY(result.out.contains(QStringLiteral("Exit status")));
        const Result infoHelp = run({QStringLiteral("help"), QStringLiteral("info")});
        QCOMPARE(infoHelp.exitCode, 0);
        QVERIFY(infoHelp.out.contains(QStringLiteral("--json")));
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("nothing") << QStringList() << QStringLiteral("Usage: mtm");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                         << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")}
                                        << QStringLiteral("unknown option '--frobnicate'");
        QTest::newRow("bad info option") << QStringList{QStringLiteral("info"), QStringLiteral("--bogus")}
                                         << QStringLiteral("mtm info: Unknown option 'bogus'");
        QTest::newRow("stray argument") << QStringList{QStringLiteral("info"), QStringLiteral("extra")}
                                        << QStringLiteral("unexpected argument 'extra'");
    }

    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
