// Imports a CSV, JSON or JSONL file in two steps. prepare() streams the whole file once: it checks every
// record, writes the normalised records, a copy of the original and the validation report into a staging
// folder, and returns what it found. commit() stores the dataset; dropping the prepared import instead
// removes the staging folder, so that a failed or cancelled import leaves no trace.
#pragma once

#include "Progress.h"
#include "data/DatasetInfo.h"
#include "data/RecordSchema.h"
#include "data/ValidationReport.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mtm::core {

class DatasetCatalog;

struct ImportOptions
{
    std::optional<FieldMapping> mapping; // the user's choice; detected from the file when empty
    qint64 maxFieldCharacters = 1000000; // longer texts are reported as problems, never truncated
};

// The result of prepare(): owns the staging folder, which it removes unless the import is committed.
class PreparedImport
{
public:
    ~PreparedImport();
    PreparedImport(const PreparedImport &) = delete;
    PreparedImport &operator=(const PreparedImport &) = delete;

    QString sourcePath;
    QString stagingDirectory;
    ValidationReport report;
    SchemaDetection detection; // the mapping used, and whether it was detected with confidence
    bool mappingChosenByUser = false;
    std::vector<std::string> fieldNames; // the fields the file's records have, in order of appearance
    std::vector<qint64> duplicateLines;  // 0-based lines of records.jsonl that repeat an earlier record
    QString sha256;
    qint64 bytes = 0;

    QString suggestedName() const; // the file name without its extension

private:
    friend class DatasetImporter;
    PreparedImport() = default;
    bool m_committed = false;
};

class DatasetImporter
{
public:
    explicit DatasetImporter(DatasetCatalog &catalog);

    // Reads and checks the whole file, with progress in units of the file's size. Throws core::Error when the file
    // cannot be read at all (missing, empty, binary, UTF-32, undecodable UTF-16) and an Error of kind Cancelled when
    // cancelled.
    std::shared_ptr<PreparedImport> prepare(const QString &path, const ImportOptions &options,
                                            const Progress &progress = {});

    // Stores the valid records (without the duplicates when dropDuplicates) under name (made unique).
    // Throws core::Error when no record is left to store.
    DatasetInfo commit(PreparedImport &prepared, const QString &name, bool dropDuplicates);

private:
    DatasetCatalog &m_catalog;
};

} // namespace mtm::core
