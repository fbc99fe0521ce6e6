// A row of the store and the folder that holds its files (a dataset, a job) are deleted together, so that a
// crash at any moment leaves both or, once the next start has cleaned up, neither.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

namespace mtm::core {

// Under the store's write lock: the folder (if there is one) is renamed to `aside`, the row deleted with
// `deleteStatement` (one ? bound to `id`), the transaction committed, and only then the folder removed. A
// failure puts the folder back and throws (Error Io, or the store's error).
void deleteRowAndFolder(const QSqlDatabase &db, const QString &deleteStatement, const QVariant &id,
                        const QString &folder, const QString &aside);

// At start-up, with the write lock held: a folder set aside by a delete that did not commit (its row is still
// there) goes back to `folder`; one whose row is gone is removed. True when it removed one.
bool settleFolderSetAside(bool rowExists, const QString &aside, const QString &folder);

} // namespace mtm::core
