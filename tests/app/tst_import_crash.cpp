// The store and the importer survive a crash at any moment: `mtm datasets import` is killed (SIGKILL) at random
// points of many imports; afterwards the database passes its integrity check, every dataset has all its files
// byte for byte, and the start-up cleaning leaves nothing but whole datasets.
#include "core/DataTestHelpers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QtTest>

#include <csignal>

using mtm::test::DataFixture;

class TestImportCrash : public QObject
{
    Q_OBJECT

private:
    static QByteArray fileBytes(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QProcess *startImport(DataFixture &f, const QString &file, const QString &name)
    {
        auto *process = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("MTM_DATA_DIR"), f.dataDirectory().path());
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), f.path(QStringLiteral("config")));
        process->setProcessEnvironment(environment);
        process->start(QStringLiteral(MTM_CLI_PATH),
                       {QStringLiteral("datasets"), QStringLiteral("import"), file, QStringLiteral("--name"), name});
        return process;
    }

private slots:
    void killedImportsLeaveWholeDatasetsOrNothing()
    {
        DataFixture f;
        // A file whose import takes a while: 40,000 chat records (about 6 MB).
        QByteArray lines;
        for (int i = 0; i < 40000; ++i)
            lines += "{\"messages\": [{\"role\": \"user\", \"content\": \"Question number " + QByteArray::number(i) +
                     ", asked at length so that the file is large enough to be killed in the middle of.\"}, "
                     "{\"role\": \"assistant\", \"content\": \"Answer " +
                     QByteArray::number(i * 7) + ".\"}]}\n";
        const QString source = f.write(QStringLiteral("chats.jsonl"), lines);

        // One import to the end gives the reference files and how long an import takes.
        QElapsedTimer clock;
        clock.start();
        QProcess *whole = startImport(f, source, QStringLiteral("reference"));
        QVERIFY(whole->waitForFinished(120000));
        QCOMPARE(whole->exitCode(), 0);
        const qint64 duration = clock.elapsed();
        const mtm::core::DatasetInfo reference = f.catalog->list().constFirst();
        const QByteArray referenceRecords = fileBytes(reference.recordsFile());
        QVERIFY(!referenceRecords.isEmpty());

        // Kills anywhere from the process start to a little after the reference import's end.
        int killed = 0;
        for (int run = 0; run < 40; ++run) {
            QProcess *import = startImport(f, source, QStringLiteral("run %1").arg(run));
            QVERIFY(import->waitForStarted());
            const int delay = QRandomGenerator::global()->bounded(int(duration * 11 / 10) + 1);
            if (!import->waitForFinished(delay)) {
                ::kill(pid_t(import->processId()), SIGKILL);
                ++killed;
            }
            if (import->state() != QProcess::NotRunning)
                QVERIFY(import->waitForFinished(120000));
            delete import;
        }
        qInfo("%d of 40 imports killed; each takes about %lld ms", killed, duration);
        QVERIFY(killed >= 20);
        // Whatever the kills left, the next import works.
        QProcess *after = startImport(f, source, QStringLiteral("after the kills"));
        QVERIFY(after->waitForFinished(120000));
        QVERIFY2(after->exitCode() == 0, after->readAllStandardError().constData());

        QSqlQuery check(f.store->connection());
        QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
        QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));

        // What start-up cleaning does after a crash (in the desktop app), then every dataset must be whole.
        f.catalog->removeLeftovers();
        const auto datasets = f.catalog->list();
        QSet<QString> folders;
        for (const mtm::core::DatasetInfo &dataset : datasets) {
            QCOMPARE(fileBytes(dataset.recordsFile()), referenceRecords);
            QCOMPARE(fileBytes(dataset.originalFile()), lines);
            QCOMPARE(dataset.sha256,
                     QString::fromLatin1(QCryptographicHash::hash(lines, QCryptographicHash::Sha256).toHex()));
            QVERIFY(QFileInfo(dataset.reportFile()).size() > 0);
            QCOMPARE(dataset.recordCount, qint64(40000));
            folders.insert(QFileInfo(dataset.directory).fileName());
        }
        // No folder without a row, except imports younger than the cleaning's one-hour grace (killed staging).
        const QDir root(f.dataDirectory().datasetsDirectory());
        for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden))
            QVERIFY2(folders.contains(name) || name.startsWith(QLatin1String(".staging-")), qPrintable(name));
        qInfo("%lld datasets stored whole", qint64(datasets.size()));
    }
};

QTEST_GUILESS_MAIN(TestImportCrash)
#include "tst_import_crash.moc"
