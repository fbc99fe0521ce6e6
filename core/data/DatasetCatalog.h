// The stored datasets: list, look up, rename, delete, export, read records — and the one way in for a
// newly imported dataset, which moves its staged folder into place in the same transaction as its row.
#pragma once

#include "Progress.h"
#include "data/DatasetInfo.h"
#include "data/ValidationReport.h"

#include <QJsonObject>
#include <QVector>

#include <optional>

namespace mtm::core {

class DataDirectory;
class Store;

class DatasetCatalog
{
public:
    DatasetCatalog(Store &store, const DataDirectory &dataDirectory);

    QVector<DatasetInfo> list() const; // newest first
    std::optional<DatasetInfo> find(qint64 id) const;
    // Finds by id ("12") or by name (case does not matter).
    std::optional<DatasetInfo> findByIdOrName(const QString &idOrName) const;
    // The dataset, or Error (NotFound) saying there is none.
    DatasetInfo require(qint64 id) const;
    DatasetInfo require(const QString &idOrName) const;
    qint64 count() const;

    // wanted, or wanted with " (2)", " (3)"… appended so that no two datasets share a name.
    QString uniqueName(const QString &wanted) const;

    // Stores a dataset whose files are complete in stagingDirectory: inserts the row and renames the folder
    // to datasets/<id> in one transaction; on failure neither remains. Returns the stored dataset.
    DatasetInfo add(DatasetInfo dataset, const QString &stagingDirectory);

    void rename(qint64 id, const QString &newName); // throws Error: empty, taken, unknown id
    void remove(qint64 id);                         // the row, then the folder
    // Writes the normalised records to target as JSON Lines (via a temporary file, renamed into place), with
    // progress in bytes; a cancelled export leaves target as it was.
    void exportJsonl(qint64 id, const QString &target, const Progress &progress = {}) const;
    // Up to count normalised records starting at index first (0-based).
    QVector<QJsonObject> readRecords(qint64 id, qint64 first, int count) const;
    // The full validation report from the dataset's folder.
    ValidationReport loadReport(qint64 id) const;

    // A new staging folder for an import (datasets/.staging-<uuid>).
    QString createStagingDirectory() const;
    // Removes staging folders and dataset folders without a row, left by a crash, and puts back the folder of a
    // dataset whose delete crashed before its row went. Returns how many folders it removed.
    int removeLeftovers() const;

private:
    Store &m_store;
    QString m_datasetsDirectory;
};

} // namespace mtm::core
