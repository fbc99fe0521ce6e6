// The app's SQLite database: checked and migrated on open, WAL journal, foreign keys, a busy timeout,
// and one connection per thread (a QSqlDatabase must only be used by the thread that opened it).
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace mtm::core {

class Store
{
public:
    // Opens (or creates) the database file, refuses a damaged, foreign or newer one without writing to it,
    // and applies pending migrations, each in its own transaction. Throws StoreError.
    explicit Store(const QString &filePath);
    ~Store();

    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    const QString &filePath() const { return m_filePath; }
    int schemaVersion() const;
    // Where the database was copied before migrating an older schema; empty when no copy was needed.
    const QString &migrationBackupPath() const { return m_migrationBackupPath; }

    // The calling thread's connection, opened on first use and closed when the thread ends. Throws StoreError.
    QSqlDatabase connection() const;

    struct Inspection
    {
        bool exists = false;
        bool readable = false;
        int schemaVersion = 0;
        qint64 bytes = 0;
        QString problem; // why it is not readable
    };
    // Reads the schema version without creating, migrating or writing anything.
    static Inspection inspect(const QString &filePath);

    // Renames a damaged database (and its -wal/-shm files) out of the way; returns the new name. Throws.
    static QString moveAside(const QString &filePath);

    // Closes the calling thread's connection now (it is opened again when needed). Threads that end while the app
    // may be closing call it last: their connections would otherwise be closed when the thread's objects go.
    void closeThisThreadsConnection() const;

private:
    void checkExistingFile() const;
    void migrate();

    int m_id;
    QString m_filePath;
    QString m_migrationBackupPath;
};

} // namespace mtm::core
