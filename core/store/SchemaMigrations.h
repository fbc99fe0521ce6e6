// The store's schema as a list of forward migrations; PRAGMA user_version holds the last one applied.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace mtm::core {

struct SchemaMigration
{
    int version = 0;     // the user_version after this migration
    QString description; // what it changes, for logs and backups
    QStringList statements;
    // Rebuilds tables (SQLite cannot change a table's constraints in place): runs with foreign keys off, so that
    // dropping the old table does not cascade, and checks them before it commits — SQLite's own procedure.
    bool rebuildsTables = false;
};

// Written into the database header so that a foreign SQLite file is never mistaken for ours ("MTM1").
constexpr int kApplicationId = 0x4D544D31;

const QVector<SchemaMigration> &schemaMigrations();
int latestSchemaVersion();

} // namespace mtm::core
