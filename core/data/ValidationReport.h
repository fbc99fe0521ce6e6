// What checking a file found: counts, the problems with their locations (file, line, record, field,
// byte offset), and notes about how the file was read. Kept with the dataset and shown to the user.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace mtm::core {

struct ImportProblem
{
    enum class Severity { Error, Warning }; // errors leave the record out; warnings keep it
    Severity severity = Severity::Error;
    qint64 record = 0;      // 1-based record number, 0 for the file as a whole
    qint64 line = 0;        // 1-based line, 0 when unknown
    qint64 byteOffset = -1; // for invalid UTF-8 and the like
    QString field;
    QString message;

    // "data.csv, line 12, record 11, field 'output': the output is empty"
    QString describe(const QString &fileName) const;
    QJsonObject toJson() const;
    static ImportProblem fromJson(const QJsonObject &json);
};

struct DatasetStatistics
{
    qint64 records = 0;
    qint64 totalCharacters = 0;
    qint64 minCharacters = 0;
    qint64 maxCharacters = 0;
    qint64 totalMessages = 0;
    int minMessages = 0;
    int maxMessages = 0;

    void add(qint64 characters, int messages);
    double meanCharacters() const { return records ? double(totalCharacters) / double(records) : 0.0; }
    QJsonObject toJson() const;
    static DatasetStatistics fromJson(const QJsonObject &json);
};

class ValidationReport
{
public:
    static constexpr int kMaxKeptProblems = 10000;

    void addProblem(const ImportProblem &problem);
    const QVector<ImportProblem> &problems() const { return m_problems; }
    qint64 errorCount() const { return m_errors; }
    qint64 warningCount() const { return m_warnings; }
    qint64 omittedProblems() const { return m_omitted; } // beyond kMaxKeptProblems, counted only

    QString fileName;
    QString container; // "csv", "json", "jsonl"
    QString encoding;  // "UTF-8", "UTF-16 LE (converted to UTF-8)"
    QString schema;    // schema id
    QString mapping;   // "instruction ← question, …"
    QStringList notes; // how the file was read: delimiter, unused fields, conversions
    qint64 recordsRead = 0;
    qint64 validRecords = 0;
    qint64 invalidRecords = 0;
    qint64 duplicateRecords = 0;
    bool readingStopped = false; // the file's structure broke; records after that point were not read
    DatasetStatistics statistics;

    // limitProblems: how many problems to include (the store keeps a short report, the folder the full one).
    QJsonObject toJson(int limitProblems = kMaxKeptProblems) const;
    static ValidationReport fromJson(const QJsonObject &json);

private:
    QVector<ImportProblem> m_problems;
    qint64 m_errors = 0;
    qint64 m_warnings = 0;
    qint64 m_omitted = 0;
};

} // namespace mtm::core
