// Tests of the persisted settings and of how the data directory is chosen.
#include "Error.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace mtm::core;

class TestSettings : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv(DataDirectory::environmentVariable());
    }

    void cleanup() { qunsetenv(DataDirectory::environmentVariable()); }

    void lmStudiosModelsFolderIsFoundAsItsCommandLineFindsIt()
    {
        const QByteArray realHome = qgetenv("HOME");
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home));
        qputenv("HOME", home.toUtf8());
        const auto write = [](const QString &path, const QByteArray &bytes) {
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        };
        // Nothing installed: ~/.lmstudio/models; a ~/.cache/lm-studio: its models; the home pointer wins over both.
        QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/.lmstudio/models"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.cache/lm-studio")));
        QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/.cache/lm-studio/models"));
        write(home + QStringLiteral("/.lmstudio-home-pointer"), (home + QStringLiteral("/elsewhere\n")).toUtf8());
        QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/elsewhere/models"));
        // Its settings.json may move the models.
        write(home + QStringLiteral("/elsewhere/settings.json"), "{\"downloadsFolder\": \"/data/llms/\"}");
        QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), QStringLiteral("/data/llms"));
        write(home + QStringLiteral("/elsewhere/settings.json"), "{\"downloadsFolder\": \"~/llms\"}");
        QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/llms"));
        // Damaged or hostile files are passed over: the models stay where the home says.
        for (const QByteArray &settings :
             {QByteArray("{\"downloadsFolder\": \"relative/llms\"}"), QByteArray("{\"downloadsFolder\": 42}"),
              QByteArray("{\"downloadsFolder\": \"/a\\nb\"}"), QByteArray("[\"/data\"]"), QByteArray("{\"downl"),
              QByteArray("\xff\xfe\x00garbage"), QByteArray(2 << 20, ' ') + "{\"downloadsFolder\": \"/big\"}"}) {
            write(home + QStringLiteral("/elsewhere/settings.json"), settings);
            QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/elsewhere/models"));
        }
        for (const QByteArray &pointer :
             {QByteArray("relative/home"), QByteArray(""), QByteArray("/one\n/two"), QByteArray(8192, '/')}) {
            write(home + QStringLiteral("/.lmstudio-home-pointer"), pointer);
            QCOMPARE(AppSettings::defaultLmStudioModelsDirectory(), home + QStringLiteral("/.cache/lm-studio/models"));
        }
        qputenv("HOME", realHome);
    }

    void hasUsefulDefaults()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("defaults.ini")));
        QCOMPARE(settings.ollamaUrl(), QStringLiteral("http://localhost:11434"));
        QCOMPARE(settings.lmStudioModelsDirectory(), AppSettings::defaultLmStudioModelsDirectory());
        QCOMPARE(settings.cpuThreads(), 0);
        QVERIFY(settings.dataDirectory().isEmpty());
        QVERIFY(settings.lastPage().isEmpty());
    }

    void persistsAcrossInstances()
    {
        const QString file = m_dir.filePath(QStringLiteral("persist.ini"));
        {
            AppSettings settings(file);
            settings.setDataDirectory(m_dir.filePath(QStringLiteral("data")));
            settings.setOllamaUrl(QStringLiteral("  http://gpu-box:11434//  "));
            settings.setLmStudioModelsDirectory(QStringLiteral("/srv/lmstudio/models/"));
            settings.setCpuThreads(6);
            settings.setLastPage(QStringLiteral("deployment"));
            settings.setMainWindowGeometry(QByteArray("geometry"));
            QVERIFY(settings.sync());
        }
        AppSettings settings(file);
        QCOMPARE(settings.dataDirectory(), m_dir.filePath(QStringLiteral("data")));
        QCOMPARE(settings.ollamaUrl(), QStringLiteral("http://gpu-box:11434"));
        QCOMPARE(settings.lmStudioModelsDirectory(), QStringLiteral("/srv/lmstudio/models"));
        QCOMPARE(settings.cpuThreads(), 6);
        QCOMPARE(settings.lastPage(), QStringLiteral("deployment"));
        QCOMPARE(settings.mainWindowGeometry(), QByteArray("geometry"));
    }

    void negativeThreadCountMeansAutomatic()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("threads.ini")));
        settings.setCpuThreads(-4);
        QCOMPARE(settings.cpuThreads(), 0);
    }

    void checksOllamaUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("acceptable");
        QTest::newRow("default") << "http://localhost:11434" << true;
        QTest::newRow("https with path") << "https://ollama.example.org/base" << true;
        QTest::newRow("ip") << "http://192.168.1.20:11434" << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("no scheme") << "localhost:11434" << false;
        QTest::newRow("ftp") << "ftp://localhost:11434" << false;
        QTest::newRow("no host") << "http://:11434" << false;
    }

    void checksOllamaUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, acceptable);
        const QString problem = AppSettings::checkOllamaUrl(url);
        QVERIFY2(problem.isEmpty() == acceptable, qPrintable(url + QStringLiteral(" -> ") + problem));
    }

    void dataDirectoryComesFromEnvironmentThenSettingsThenDefault()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("dirs.ini")));
        DataDirectory resolved = DataDirectory::resolve(settings);
        QCOMPARE(resolved.source(), DataDirectory::Source::Default);
        QCOMPARE(resolved.path(), QDir::cleanPath(DataDirectory::defaultPath()));

        settings.setDataDirectory(m_dir.filePath(QStringLiteral("chosen")));
        resolved = DataDirectory::resolve(settings);
        QCOMPARE(resolved.source(), DataDirectory::Source::Settings);
        QCOMPARE(resolved.path(), m_dir.filePath(QStringLiteral("chosen")));

        qputenv(DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("from-env")).toLocal8Bit());
        resolved = DataDirectory::resolve(settings);
        QCOMPARE(resolved.source(), DataDirectory::Source::Environment);
        QCOMPARE(resolved.path(), m_dir.filePath(QStringLiteral("from-env")));
        QVERIFY(resolved.sourceDescription().contains(QStringLiteral("MTM_DATA_DIR")));
        QCOMPARE(resolved.databaseFile(), m_dir.filePath(QStringLiteral("from-env/mtm.sqlite")));
    }

    void ensureExistsCreatesTheLayout()
    {
        qputenv(DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("fresh/nested")).toLocal8Bit());
        AppSettings settings(m_dir.filePath(QStringLiteral("layout.ini")));
        const DataDirectory directory = DataDirectory::resolve(settings);
        directory.ensureExists();
        for (const QString &dir :
             {directory.path(), directory.datasetsDirectory(), directory.modelsDirectory(), directory.logsDirectory()})
            QVERIFY2(QFileInfo(dir).isDir(), qPrintable(dir));
    }

    void ensureExistsExplainsAFileInTheWay()
    {
        const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a directory");
        file.close();
        qputenv(DataDirectory::environmentVariable(), blocker.toLocal8Bit());
        AppSettings settings(m_dir.filePath(QStringLiteral("blocked.ini")));
        try {
            DataDirectory::resolve(settings).ensureExists();
            QFAIL("a file was accepted as the data directory");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(blocker), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("is a file")), qPrintable(error.message()));
        }
        QCOMPARE(QFileInfo(blocker).size(), qint64(15));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
