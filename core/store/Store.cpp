#include "store/Store.h"

#include "store/SchemaMigrations.h"
#include "store/SqlExec.h"
#include "store/StoreError.h"
#include "store/WriteTransaction.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QThread>

#include <atomic>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Store)
};

constexpr int kBusyTimeoutMs = 10000;

std::atomic<int> s_nextStoreId{1};

// Closes the connections a thread opened when that thread ends — unless the application is gone by then (a
// thread may end after main() returned, when Qt's list of connections no longer exists: nothing is left to close).
struct ThreadConnections
{
    QStringList names;
    ~ThreadConnections()
    {
        if (!QCoreApplication::instance())
            return;
        for (const QString &name : names)
            QSqlDatabase::removeDatabase(name);
    }
};
thread_local ThreadConnections t_connections;

QString connectionName(int storeId)
{
    return QStringLiteral("mtm-store-%1-thread-%2")
        .arg(storeId)
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
}

// SQLite's primary result codes that mean "this is not a sound database file".
bool isDamageError(const QSqlError &error)
{
    const int code = error.nativeErrorCode().toInt();
    constexpr int SQLITE_CORRUPT = 11, SQLITE_NOTADB = 26;
    return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB;
}

QString damagedMessage(const QString &filePath, const QString &detail)
{
    return Text::tr("The database %1 is damaged or is not a Model Training Manager database (%2). "
                    "It has been left untouched. Move it aside to start with an empty database, "
                    "or restore a backup.")
        .arg(filePath, detail);
}

QSqlDatabase openConnection(const QString &name, const QString &filePath, const QString &options)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(filePath);
    db.setConnectOptions(options);
    if (!db.open()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw StoreError(StoreError::Reason::Io, Text::tr("Cannot open the database %1: %2").arg(filePath, why));
    }
    return db;
}

// Runs a read that also tells whether the file is a database at all.
QVariant probeScalar(const QSqlDatabase &db, const QString &filePath, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        const QSqlError error = query.lastError();
        if (isDamageError(error))
            throw StoreError(StoreError::Reason::Damaged, damagedMessage(filePath, error.databaseText()));
        throw StoreError(StoreError::Reason::Io,
                         Text::tr("Cannot read the database %1: %2").arg(filePath, error.text()));
    }
    return query.next() ? query.value(0) : QVariant();
}

} // namespace

Store::Store(const QString &filePath)
    : m_id(s_nextStoreId++)
    , m_filePath(QFileInfo(filePath).absoluteFilePath())
{
    if (QFileInfo::exists(m_filePath))
        checkExistingFile();
    try {
        const QString journalMode = queryScalar(connection(), QStringLiteral("PRAGMA journal_mode = WAL")).toString();
        if (journalMode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            throw StoreError(StoreError::Reason::Io,
                             Text::tr("The database %1 cannot use a write-ahead log (journal mode is '%2'); "
                                      "is it on a network file system?")
                                 .arg(m_filePath, journalMode));
        migrate();
    } catch (...) {
        closeThisThreadsConnection();
        throw;
    }
}

Store::~Store()
{
    closeThisThreadsConnection();
}

void Store::closeThisThreadsConnection() const
{
    const QString name = connectionName(m_id);
    if (t_connections.names.removeOne(name))
        QSqlDatabase::removeDatabase(name);
}

void Store::checkExistingFile() const
{
    const QString name = connectionName(m_id) + QStringLiteral("-check");
    {
        QSqlDatabase db = openConnection(name, m_filePath, QStringLiteral("QSQLITE_OPEN_READONLY"));
        try {
            const int applicationId = probeScalar(db, m_filePath, QStringLiteral("PRAGMA application_id")).toInt();
            const int version = probeScalar(db, m_filePath, QStringLiteral("PRAGMA user_version")).toInt();
            const int objects =
                probeScalar(db, m_filePath, QStringLiteral("SELECT count(*) FROM sqlite_master")).toInt();
            if (applicationId != kApplicationId && (objects > 0 || version != 0))
                throw StoreError(StoreError::Reason::Damaged,
                                 damagedMessage(m_filePath, Text::tr("it holds another application's data")));
            if (version > latestSchemaVersion())
                throw StoreError(StoreError::Reason::TooNew,
                                 Text::tr("The database %1 was written by a newer version of Model Training "
                                          "Manager (schema %2; this version knows up to %3). It has been left "
                                          "untouched: update the app to open it.")
                                     .arg(m_filePath)
                                     .arg(version)
                                     .arg(latestSchemaVersion()));
            const QString check = probeScalar(db, m_filePath, QStringLiteral("PRAGMA quick_check")).toString();
            if (check != QLatin1String("ok"))
                throw StoreError(StoreError::Reason::Damaged,
                                 damagedMessage(m_filePath, Text::tr("integrity check: %1").arg(check)));
        } catch (...) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            throw;
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void Store::migrate()
{
    const QSqlDatabase db = connection();
    const int current = schemaVersion();
    if (current > 0 && current < latestSchemaVersion()) {
        // Keep a consistent copy of the user's data before changing its shape.
        m_migrationBackupPath = QStringLiteral("%1.schema-v%2-%3.bak")
                                    .arg(m_filePath)
                                    .arg(current)
                                    .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        QSqlQuery backup(db);
        backup.prepare(QStringLiteral("VACUUM INTO ?"));
        backup.addBindValue(m_migrationBackupPath);
        execPrepared(backup);
    }
    for (const SchemaMigration &migration : schemaMigrations()) {
        if (migration.version <= current)
            continue;
        // PRAGMA foreign_keys does nothing inside a transaction, so it is switched around it.
        if (migration.rebuildsTables)
            execSql(db, QStringLiteral("PRAGMA foreign_keys = OFF"));
        const auto foreignKeysBackOn = qScopeGuard([&] {
            if (migration.rebuildsTables) // after the transaction, whether it committed or not; cannot fail
                QSqlQuery(db).exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        });
        WriteTransaction transaction(db);
        for (const QString &statement : migration.statements)
            execSql(db, statement);
        if (migration.rebuildsTables && queryScalar(db, QStringLiteral("PRAGMA foreign_key_check")).isValid())
            throw StoreError(StoreError::Reason::Query,
                             Text::tr("Updating the database to version %1 broke a reference between its "
                                      "tables; nothing was changed.")
                                 .arg(migration.version));
        execSql(db, QStringLiteral("PRAGMA user_version = %1").arg(migration.version));
        transaction.commit();
    }
}

int Store::schemaVersion() const
{
    return queryScalar(connection(), QStringLiteral("PRAGMA user_version")).toInt();
}

QSqlDatabase Store::connection() const
{
    const QString name = connectionName(m_id);
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name, false);
    QSqlDatabase db = openConnection(name, m_filePath, QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    t_connections.names.append(name);
    // Per-connection settings: they are not stored in the file.
    execSql(db, QStringLiteral("PRAGMA foreign_keys = ON"));
    execSql(db, QStringLiteral("PRAGMA synchronous = FULL"));
    return db;
}

Store::Inspection Store::inspect(const QString &filePath)
{
    Inspection result;
    const QFileInfo info(filePath);
    result.exists = info.exists();
    if (!result.exists)
        return result;
    result.bytes = info.size();
    const QString name =
        QStringLiteral("mtm-store-inspect-%1").arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
    {
        try {
            QSqlDatabase db = openConnection(name, info.absoluteFilePath(), QStringLiteral("QSQLITE_OPEN_READONLY"));
            result.schemaVersion = probeScalar(db, filePath, QStringLiteral("PRAGMA user_version")).toInt();
            result.readable = true;
            db.close();
        } catch (const StoreError &error) {
            result.problem = error.message();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

QString Store::moveAside(const QString &filePath)
{
    const QString suffix =
        QStringLiteral(".damaged-%1").arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString target = filePath + suffix;
    for (const QString &companion : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        const QString from = filePath + companion;
        if (!QFileInfo::exists(from))
            continue;
        const QString to = companion.isEmpty() ? target : filePath + companion + suffix;
        if (!QFile::rename(from, to))
            throw StoreError(StoreError::Reason::Io,
                             Text::tr("Cannot rename %1 to %2; move it away by hand.").arg(from, to));
    }
    return target;
}

} // namespace mtm::core
