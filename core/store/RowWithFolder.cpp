#include "store/RowWithFolder.h"

#include "Error.h"
#include "store/SqlExec.h"
#include "store/WriteTransaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlQuery>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RowWithFolder)
};

} // namespace

void deleteRowAndFolder(const QSqlDatabase &db, const QString &deleteStatement, const QVariant &id,
                        const QString &folder, const QString &aside)
{
    WriteTransaction transaction(db);
    QDir(aside).removeRecursively(); // an older leftover
    const bool moved = !QFileInfo::exists(folder) || QDir().rename(folder, aside);
    if (!moved)
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot delete the folder %1; is a file in it open elsewhere?").arg(folder));
    try {
        QSqlQuery query(db);
        query.prepare(deleteStatement);
        query.addBindValue(id);
        execPrepared(query);
        transaction.commit();
    } catch (...) {
        QDir().rename(aside, folder);
        throw;
    }
    QDir(aside).removeRecursively(); // what fails here is removed at the next start
}

bool settleFolderSetAside(bool rowExists, const QString &aside, const QString &folder)
{
    if (rowExists && !QFileInfo::exists(folder)) {
        QDir().rename(aside, folder);
        return false;
    }
    return QDir(aside).removeRecursively();
}

} // namespace mtm::core
