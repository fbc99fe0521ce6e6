// How the command line writes numbers, counts, durations and a validation report's problems for people.
#pragma once

#include <QString>
#include <QTextStream>

namespace mtm::core {
class ValidationReport;
}

namespace mtm::cli {

QString number(qint64 value);                     // "1,000,000"
QString count(qint64 value, const QString &noun); // "1 record", "2 records"
QString formatDuration(qint64 seconds);           // "3 s", "2 min 10 s", "1 h 5 min"
// The first `limit` problems, one a line, and how many more there are.
void printProblems(const core::ValidationReport &report, QTextStream &stream, int limit);

} // namespace mtm::cli
