// How the command line writes numbers, counts, durations and a validation report's problems for people.
#pragma once

#include <QString>
#include <QTextStream>

namespace mtm::core {
class ValidationReport;
}

namespace mtm::engine {
struct TrainingProgress;
}

namespace mtm::cli {

QString number(qint64 value);                     // "1,000,000"
QString count(qint64 value, const QString &noun); // "1 record", "2 records"
QString formatDuration(qint64 seconds);           // "3 s", "2 min 10 s", "1 h 5 min"
// The first `limit` problems, one a line, and how many more there are.
void printProblems(const core::ValidationReport &report, QTextStream &stream, int limit);
// "step 12/420  epoch 0.29  loss 2.3412  lr 2.00e-04  grad 0.913  1520 tok/s  512 MiB  3 min 10 s left"
QString stepLine(const engine::TrainingProgress &progress);
// "eval  step 12  held-out loss 2.4101"
QString evaluationLine(const engine::TrainingProgress &progress);

} // namespace mtm::cli
