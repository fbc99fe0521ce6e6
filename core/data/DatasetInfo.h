// One stored dataset: its row in the store and where its files are.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace mtm::core {

class ValidationReport;

struct DatasetInfo
{
    qint64 id = 0;
    QString name;
    QString originalFileName;
    QString container; // "csv", "json", "jsonl"
    QString schema;    // schema id, see RecordSchema
    qint64 recordCount = 0;
    qint64 skippedCount = 0; // records of the file that were not imported (problems, dropped duplicates)
    qint64 bytes = 0;        // size of the original file
    QString sha256;          // of the original file
    QString directory;       // absolute path of datasets/<id>
    QDateTime createdAt;
    QJsonObject reportSummary; // the validation report with its first problems

    QString recordsFile() const { return directory + QStringLiteral("/records.jsonl"); }
    QString reportFile() const { return directory + QStringLiteral("/report.json"); }
    QString originalFile() const;

    // The dataset as the command line and the REST API show it: id, name, original_file_name, container, schema,
    // records, skipped, bytes, sha256, directory, created_at.
    QJsonObject toJson() const;
    // The same with "validation": the report (the REST API's answer for one dataset, `mtm datasets import --json`).
    QJsonObject toJson(const ValidationReport &report) const;
};

} // namespace mtm::core
