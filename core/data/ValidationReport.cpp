#include "data/ValidationReport.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ValidationReport)
};

} // namespace

QString ImportProblem::describe(const QString &fileName) const
{
    QStringList where;
    if (!fileName.isEmpty())
        where << fileName;
    if (line > 0)
        where << Text::tr("line %1").arg(line);
    if (record > 0)
        where << Text::tr("record %1").arg(record);
    if (byteOffset >= 0)
        where << Text::tr("byte %1").arg(byteOffset);
    if (!field.isEmpty())
        where << Text::tr("field '%1'").arg(field);
    return where.isEmpty() ? message : where.join(QStringLiteral(", ")) + QStringLiteral(": ") + message;
}

QJsonObject ImportProblem::toJson() const
{
    QJsonObject json{
        {QStringLiteral("severity"), severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning")},
        {QStringLiteral("message"), message}};
    if (record > 0)
        json.insert(QStringLiteral("record"), record);
    if (line > 0)
        json.insert(QStringLiteral("line"), line);
    if (byteOffset >= 0)
        json.insert(QStringLiteral("byte_offset"), byteOffset);
    if (!field.isEmpty())
        json.insert(QStringLiteral("field"), field);
    return json;
}

ImportProblem ImportProblem::fromJson(const QJsonObject &json)
{
    ImportProblem problem;
    problem.severity = json.value(QStringLiteral("severity")).toString() == QLatin1String("warning") ? Severity::Warning
                                                                                                     : Severity::Error;
    problem.record = json.value(QStringLiteral("record")).toInteger();
    problem.line = json.value(QStringLiteral("line")).toInteger();
    problem.byteOffset = json.value(QStringLiteral("byte_offset")).toInteger(-1);
    problem.field = json.value(QStringLiteral("field")).toString();
    problem.message = json.value(QStringLiteral("message")).toString();
    return problem;
}

void DatasetStatistics::add(qint64 characters, int messages)
{
    if (records == 0 || characters < minCharacters)
        minCharacters = characters;
    if (records == 0 || characters > maxCharacters)
        maxCharacters = characters;
    if (records == 0 || messages < minMessages)
        minMessages = messages;
    if (records == 0 || messages > maxMessages)
        maxMessages = messages;
    ++records;
    totalCharacters += characters;
    totalMessages += messages;
}

QJsonObject DatasetStatistics::toJson() const
{
    return QJsonObject{{QStringLiteral("records"), records},
                       {QStringLiteral("total_characters"), totalCharacters},
                       {QStringLiteral("min_characters"), minCharacters},
                       {QStringLiteral("max_characters"), maxCharacters},
                       {QStringLiteral("mean_characters"), meanCharacters()},
                       {QStringLiteral("total_messages"), totalMessages},
                       {QStringLiteral("min_messages"), minMessages},
                       {QStringLiteral("max_messages"), maxMessages}};
}

DatasetStatistics DatasetStatistics::fromJson(const QJsonObject &json)
{
    DatasetStatistics statistics;
    statistics.records = json.value(QStringLiteral("records")).toInteger();
    statistics.totalCharacters = json.value(QStringLiteral("total_characters")).toInteger();
    statistics.minCharacters = json.value(QStringLiteral("min_characters")).toInteger();
    statistics.maxCharacters = json.value(QStringLiteral("max_characters")).toInteger();
    statistics.totalMessages = json.value(QStringLiteral("total_messages")).toInteger();
    statistics.minMessages = json.value(QStringLiteral("min_messages")).toInt();
    statistics.maxMessages = json.value(QStringLiteral("max_messages")).toInt();
    return statistics;
}

void ValidationReport::addProblem(const ImportProblem &problem)
{
    (problem.severity == ImportProblem::Severity::Error ? m_errors : m_warnings) += 1;
    if (m_problems.size() < kMaxKeptProblems)
        m_problems.append(problem);
    else
        ++m_omitted;
}

QJsonObject ValidationReport::toJson(int limitProblems) const
{
    QJsonArray problems;
    for (int i = 0; i < m_problems.size() && i < limitProblems; ++i)
        problems.append(m_problems[i].toJson());
    return QJsonObject{
        {QStringLiteral("file_name"), fileName},
        {QStringLiteral("container"), container},
        {QStringLiteral("encoding"), encoding},
        {QStringLiteral("schema"), schema},
        {QStringLiteral("mapping"), mapping},
        {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
        {QStringLiteral("records_read"), recordsRead},
        {QStringLiteral("valid_records"), validRecords},
        {QStringLiteral("invalid_records"), invalidRecords},
        {QStringLiteral("duplicate_records"), duplicateRecords},
        {QStringLiteral("reading_stopped"), readingStopped},
        {QStringLiteral("errors"), m_errors},
        {QStringLiteral("warnings"), m_warnings},
        {QStringLiteral("problems_not_listed"), m_omitted + (m_problems.size() - problems.size())},
        {QStringLiteral("problems"), problems},
        {QStringLiteral("statistics"), statistics.toJson()},
    };
}

ValidationReport ValidationReport::fromJson(const QJsonObject &json)
{
    ValidationReport report;
    report.fileName = json.value(QStringLiteral("file_name")).toString();
    report.container = json.value(QStringLiteral("container")).toString();
    report.encoding = json.value(QStringLiteral("encoding")).toString();
    report.schema = json.value(QStringLiteral("schema")).toString();
    report.mapping = json.value(QStringLiteral("mapping")).toString();
    for (const QJsonValue &note : json.value(QStringLiteral("notes")).toArray())
        report.notes << note.toString();
    report.recordsRead = json.value(QStringLiteral("records_read")).toInteger();
    report.validRecords = json.value(QStringLiteral("valid_records")).toInteger();
    report.invalidRecords = json.value(QStringLiteral("invalid_records")).toInteger();
    report.duplicateRecords = json.value(QStringLiteral("duplicate_records")).toInteger();
    report.readingStopped = json.value(QStringLiteral("reading_stopped")).toBool();
    for (const QJsonValue &problem : json.value(QStringLiteral("problems")).toArray())
        report.m_problems.append(ImportProblem::fromJson(problem.toObject()));
    report.m_errors = json.value(QStringLiteral("errors")).toInteger();
    report.m_warnings = json.value(QStringLiteral("warnings")).toInteger();
    report.m_omitted = json.value(QStringLiteral("problems_not_listed")).toInteger();
    report.statistics = DatasetStatistics::fromJson(json.value(QStringLiteral("statistics")).toObject());
    return report;
}

} // namespace mtm::core
