// Tests of the store: schema from an empty file, refusing damaged or foreign files without touching them,
// per-thread connections, writers that do not deadlock, and surviving a kill in the middle of a write.
#include "jobs/JobState.h"
#include "jobs/TrainingRequest.h"
#include "store/SchemaMigrations.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "store/StoreError.h"
#include "store/WriteTransaction.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "common/TestFiles.h"

#include <atomic>
#include <cstdio>

using namespace mtm::core;
using mtm::test::writeFile;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

qint64 insertDataset(const QSqlDatabase &db, const QString &name)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO datasets (name, original_file_name, container, record_schema, record_count, bytes, sha256, "
        "storage_dir, created_at) VALUES (?, 'data.csv', 'csv', 'alpaca', 3, 120, 'abc', 'datasets/1', "
        "'2026-01-01T00:00:00Z')"));
    query.addBindValue(name);
    execPrepared(query);
    return query.lastInsertId().toLongLong();
}

qint64 insertJob(const QSqlDatabase &db, QVariant datasetId, const QString &type = QStringLiteral("qlora"),
                 const QString &state = QStringLiteral("queued"))
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO jobs (name, training_type, model_name, dataset_id, config_json, state, created_at, updated_at) "
        "VALUES ('job', ?, 'starter', ?, '{}', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"));
    query.addBindValue(type);
    query.addBindValue(datasetId);
    query.addBindValue(state);
    execPrepared(query);
    return query.lastInsertId().toLongLong();
}

void insertMetric(const QSqlDatabase &db, qint64 jobId, qint64 step)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO job_metrics (job_id, step, loss, recorded_at) VALUES (?, ?, 1.5, '2026-01-01T00:00:00Z')"));
    query.addBindValue(jobId);
    query.addBindValue(step);
    execPrepared(query);
}

// The child side of killedWriterLeavesConsistentDatabase: writes batches until killed, reporting progress.
int writeUntilKilled(const QString &path)
{
    Store store(path);
    const QSqlDatabase db = store.connection();
    execSql(db, QStringLiteral("PRAGMA cache_size = 8")); // spill uncommitted pages into the WAL early
    const qint64 jobId = insertJob(db, QVariant());
    qint64 committed = 0;
    for (qint64 batch = 0;; ++batch) {
        WriteTransaction transaction(db);
        qint64 written = 0;
        for (; written < 500; ++written)
            insertMetric(db, jobId, committed + written);
        std::printf("mid-transaction\n");
        std::fflush(stdout);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 300) {
            insertMetric(db, jobId, committed + written);
            ++written;
        }
        transaction.commit();
        committed += written;
        std::printf("committed %lld\n", static_cast<long long>(committed));
        std::fflush(stdout);
    }
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void createsTheSchemaInANewFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("new.sqlite"));
        Store store(path);
        const QSqlDatabase db = store.connection();
        QCOMPARE(store.schemaVersion(), latestSchemaVersion());
        QCOMPARE(queryScalar(db, QStringLiteral("PRAGMA application_id")).toInt(), kApplicationId);
        QCOMPARE(queryScalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(queryScalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QVERIFY(queryScalar(db, QStringLiteral("PRAGMA busy_timeout")).toInt() >= 1000);
        for (const char *table : {"datasets", "jobs", "job_metrics"}) {
            QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                                    "name = '%1'")
                                         .arg(QLatin1String(table)))
                         .toInt(),
                     1);
        }
        QVERIFY(store.migrationBackupPath().isEmpty());
    }

    void treatsAnEmptyFileAsNew()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.sqlite"));
        writeFile(path, QByteArray());
        Store store(path);
        QCOMPARE(store.schemaVersion(), latestSchemaVersion());
    }

    void keepsDataAcrossReopening()
    {
        const QString path = m_dir.filePath(QStringLiteral("reopen.sqlite"));
        {
            Store store(path);
            insertDataset(store.connection(), QStringLiteral("first"));
        }
        Store store(path);
        QCOMPARE(queryScalar(store.connection(), QStringLiteral("SELECT name FROM datasets")).toString(),
                 QStringLiteral("first"));
        QCOMPARE(store.schemaVersion(), latestSchemaVersion());
    }

    void refusesACorruptedFileAndLeavesItUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("garbage.sqlite"));
        QByteArray garbage;
        for (int i = 0; i < 8192; ++i)
            garbage.append(char((i * 131 + 7) % 251));
        writeFile(path, garbage);
        const QByteArray before = fileHash(path);
        try {
            Store store(path);
            QFAIL("a corrupted file was opened");
        } catch (const StoreError &error) {
            QCOMPARE(error.reason(), StoreError::Reason::Damaged);
            QVERIFY2(error.message().contains(path), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("damaged")), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("left untouched")), qPrintable(error.message()));
        }
        QCOMPARE(fileHash(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void refusesADatabaseWithDamagedPages()
    {
        const QString path = m_dir.filePath(QStringLiteral("torn.sqlite"));
        {
            Store store(path);
            const QSqlDatabase db = store.connection();
            WriteTransaction transaction(db);
            for (int i = 0; i < 400; ++i)
                insertDataset(db, QStringLiteral("dataset %1 with a long enough name to fill pages").arg(i));
            transaction.commit();
            execSql(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 pageSize = 4096;
        QVERIFY(file.size() > 6 * pageSize);
        file.seek(4 * pageSize); // a whole b-tree page of the datasets table, header included
        file.write(QByteArray(pageSize, char(0xA5)));
        file.close();
        const QByteArray before = fileHash(path);
        try {
            Store store(path);
            QFAIL("a database with damaged pages was opened");
        } catch (const StoreError &error) {
            QCOMPARE(error.reason(), StoreError::Reason::Damaged);
        }
        QCOMPARE(fileHash(path), before);
    }

    void refusesAnotherApplicationsDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("foreign.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            execSql(db, QStringLiteral("CREATE TABLE contacts (name TEXT)"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        const QByteArray before = fileHash(path);
        try {
            Store store(path);
            QFAIL("another application's database was opened");
        } catch (const StoreError &error) {
            QCOMPARE(error.reason(), StoreError::Reason::Damaged);
            QVERIFY2(error.message().contains(QStringLiteral("another application")), qPrintable(error.message()));
        }
        QCOMPARE(fileHash(path), before);
    }

    void refusesANewerSchema()
    {
        const QString path = m_dir.filePath(QStringLiteral("newer.sqlite"));
        {
            Store store(path);
            execSql(store.connection(), QStringLiteral("PRAGMA user_version = %1").arg(latestSchemaVersion() + 5));
            execSql(store.connection(), QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        }
        const QByteArray before = fileHash(path);
        try {
            Store store(path);
            QFAIL("a newer schema was opened");
        } catch (const StoreError &error) {
            QCOMPARE(error.reason(), StoreError::Reason::TooNew);
            QVERIFY2(error.message().contains(QStringLiteral("newer version")), qPrintable(error.message()));
        }
        QCOMPARE(fileHash(path), before);
    }

    void enforcesForeignKeys()
    {
        Store store(m_dir.filePath(QStringLiteral("keys.sqlite")));
        const QSqlDatabase db = store.connection();
        QVERIFY_THROWS_EXCEPTION(StoreError, insertJob(db, 999));

        const qint64 datasetId = insertDataset(db, QStringLiteral("data"));
        const qint64 jobId = insertJob(db, datasetId);
        insertMetric(db, jobId, 1);
        execSql(db, QStringLiteral("DELETE FROM datasets WHERE id = %1").arg(datasetId));
        QVERIFY(queryScalar(db, QStringLiteral("SELECT dataset_id FROM jobs WHERE id = %1").arg(jobId)).isNull());
        execSql(db, QStringLiteral("DELETE FROM jobs WHERE id = %1").arg(jobId));
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM job_metrics")).toInt(), 0);
    }

    void checksColumnValues()
    {
        Store store(m_dir.filePath(QStringLiteral("checks.sqlite")));
        QVERIFY_THROWS_EXCEPTION(
            StoreError, execSql(store.connection(),
                                QStringLiteral("INSERT INTO jobs (name, training_type, model_name, config_json, "
                                               "created_at, updated_at) VALUES ('j', 'magic', 'm', '{}', 't', 't')")));
    }

    // Every method the app offers and every state a job can be in fit the jobs table.
    void jobsTableAcceptsEveryMethodAndState()
    {
        Store store(m_dir.filePath(QStringLiteral("jobs.sqlite")));
        const QSqlDatabase db = store.connection();
        for (const TrainingType type : allTrainingTypes())
            for (const JobState state : allJobStates())
                insertJob(db, QVariant(), trainingTypeId(type), jobStateId(state));
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(DISTINCT training_type || state) FROM jobs")).toInt(),
                 allTrainingTypes().size() * allJobStates().size());
        QVERIFY_THROWS_EXCEPTION(StoreError,
                                 insertJob(db, QVariant(), QStringLiteral("qlora"), QStringLiteral("paused")));
    }

    // A database of the first version keeps its jobs, their metrics, its references and its id counter when it is
    // updated.
    void migratesTheFirstVersionKeepingJobsAndMetrics()
    {
        const QString path = m_dir.filePath(QStringLiteral("version1.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("version1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            execSql(db, QStringLiteral("PRAGMA foreign_keys = ON"));
            for (const QString &statement : schemaMigrations().constFirst().statements)
                execSql(db, statement);
            execSql(db, QStringLiteral("PRAGMA user_version = 1"));
            const qint64 datasetId = insertDataset(db, QStringLiteral("data"));
            const qint64 jobId = insertJob(db, datasetId, QStringLiteral("unsloth"), QStringLiteral("completed"));
            for (qint64 step = 1; step <= 3; ++step)
                insertMetric(db, jobId, step);
            // Two jobs that were deleted: their ids must never come back.
            insertJob(db, QVariant());
            insertJob(db, QVariant());
            execSql(db, QStringLiteral("DELETE FROM jobs WHERE id > %1").arg(jobId));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("version1"));

        Store store(path);
        QCOMPARE(store.schemaVersion(), latestSchemaVersion());
        QVERIFY(QFileInfo::exists(store.migrationBackupPath()));
        const QSqlDatabase db = store.connection();
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT training_type || '/' || state FROM jobs")).toString(),
                 QStringLiteral("unsloth/completed"));
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM job_metrics")).toInt(), 3);
        QCOMPARE(queryScalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QCOMPARE(
            queryScalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name LIKE 'jobs_by_%'")).toInt(),
            2);
        QCOMPARE(insertJob(db, QVariant(), QStringLiteral("lora"), QStringLiteral("interrupted")), qint64(4));
        execSql(db, QStringLiteral("DELETE FROM jobs WHERE training_type = 'unsloth'"));
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM job_metrics")).toInt(), 0); // still cascades
    }

    void rollsBackAnUncommittedTransaction()
    {
        Store store(m_dir.filePath(QStringLiteral("rollback.sqlite")));
        const QSqlDatabase db = store.connection();
        {
            WriteTransaction transaction(db);
            insertDataset(db, QStringLiteral("never committed"));
        }
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM datasets")).toInt(), 0);
    }

    void givesEachThreadItsOwnConnection()
    {
        Store store(m_dir.filePath(QStringLiteral("threads.sqlite")));
        const QString mainName = store.connection().connectionName();
        QString workerName;
        int workerSees = -1;
        QThread *worker = QThread::create([&] {
            const QSqlDatabase db = store.connection();
            workerName = db.connectionName();
            insertDataset(db, QStringLiteral("from worker"));
            workerSees = queryScalar(db, QStringLiteral("SELECT count(*) FROM datasets")).toInt();
        });
        worker->start();
        QVERIFY(worker->wait(20000));
        delete worker;
        QVERIFY(!workerName.isEmpty());
        QVERIFY(workerName != mainName);
        QCOMPARE(workerSees, 1);
        // The connection closes as the thread ends, which can be a moment after wait() returned (thread-local
        // storage is torn down after the thread reports that it finished).
        QTRY_VERIFY2(!QSqlDatabase::contains(workerName), "the worker's connection outlived its thread");
        QCOMPARE(queryScalar(store.connection(), QStringLiteral("SELECT count(*) FROM datasets")).toInt(), 1);
    }

    void concurrentWritersDoNotDeadlock()
    {
        Store store(m_dir.filePath(QStringLiteral("writers.sqlite")));
        const qint64 jobId = insertJob(store.connection(), QVariant());
        constexpr int kThreads = 4, kTransactions = 100;
        std::atomic<int> failures{0};
        QList<QThread *> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads << QThread::create([&] {
                try {
                    const QSqlDatabase db = store.connection();
                    for (int i = 0; i < kTransactions; ++i) {
                        // Read, then write, in one transaction: the pattern that deadlocks with a plain BEGIN.
                        WriteTransaction transaction(db);
                        const qint64 next =
                            queryScalar(db, QStringLiteral("SELECT coalesce(max(step), -1) + 1 FROM job_metrics"))
                                .toLongLong();
                        insertMetric(db, jobId, next);
                        transaction.commit();
                    }
                } catch (const StoreError &error) {
                    qWarning("%s", qPrintable(error.message()));
                    ++failures;
                }
            });
        }
        for (QThread *thread : threads)
            thread->start();
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(120000));
            delete thread;
        }
        QCOMPARE(failures.load(), 0);
        QCOMPARE(queryScalar(store.connection(), QStringLiteral("SELECT count(*) FROM job_metrics")).toInt(),
                 kThreads * kTransactions);
        QCOMPARE(queryScalar(store.connection(), QStringLiteral("SELECT max(step) FROM job_metrics")).toInt(),
                 kThreads * kTransactions - 1);
    }

    void killedWriterLeavesConsistentDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("killed.sqlite"));
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--write-until-killed"), path});
        QVERIFY(child.waitForStarted());
        qint64 committed = 0;
        int commits = 0;
        bool killedMidTransaction = false;
        while (!killedMidTransaction) {
            QVERIFY2(child.waitForReadyRead(30000), "the writer stopped reporting");
            while (child.canReadLine()) {
                const QByteArray line = child.readLine().trimmed();
                if (line.startsWith("committed ")) {
                    committed = line.mid(10).toLongLong();
                    ++commits;
                } else if (line == "mid-transaction" && commits >= 2) {
                    child.kill(); // SIGKILL: no destructor, no rollback, no checkpoint
                    killedMidTransaction = true;
                    break;
                }
            }
        }
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY2(QFile::exists(path + QStringLiteral("-wal")), "the kill left no write-ahead log to recover");

        Store store(path); // runs the integrity check on open
        const QSqlDatabase db = store.connection();
        QCOMPARE(queryScalar(db, QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        QCOMPARE(queryScalar(db, QStringLiteral("SELECT count(*) FROM job_metrics")).toLongLong(), committed);
    }

    void inspectsWithoutCreating()
    {
        const QString missing = m_dir.filePath(QStringLiteral("missing.sqlite"));
        const Store::Inspection none = Store::inspect(missing);
        QVERIFY(!none.exists);
        QVERIFY(!QFile::exists(missing));

        const QString path = m_dir.filePath(QStringLiteral("inspected.sqlite"));
        {
            Store store(path);
        }
        const Store::Inspection found = Store::inspect(path);
        QVERIFY(found.exists);
        QVERIFY(found.readable);
        QCOMPARE(found.schemaVersion, latestSchemaVersion());
    }

    void movesADamagedFileAside()
    {
        const QString path = m_dir.filePath(QStringLiteral("aside.sqlite"));
        writeFile(path, QByteArray(4096, 'x'));
        writeFile(path + QStringLiteral("-wal"), QByteArray(100, 'y'));
        const QString movedTo = Store::moveAside(path);
        QVERIFY(!QFile::exists(path));
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
        QVERIFY(QFile::exists(movedTo));
        QCOMPARE(QFile(movedTo).size(), 4096);
        Store fresh(path);
        QCOMPARE(fresh.schemaVersion(), latestSchemaVersion());
    }

private:
    QTemporaryDir m_dir;
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--write-until-killed") == 0)
        return writeUntilKilled(QString::fromLocal8Bit(argv[2]));
    TestStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store.moc"
