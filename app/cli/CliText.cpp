#include "CliText.h"

#include "data/ValidationReport.h"

#include <QLocale>

namespace mtm::cli {

QString number(qint64 value)
{
    return QLocale(QLocale::English).toString(value);
}

QString count(qint64 value, const QString &noun)
{
    return number(value) + QLatin1Char(' ') + noun + (value == 1 ? QString() : QStringLiteral("s"));
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

void printProblems(const core::ValidationReport &report, QTextStream &stream, int limit)
{
    int shown = 0;
    for (const core::ImportProblem &problem : report.problems()) {
        if (shown++ == limit)
            break;
        stream << (problem.severity == core::ImportProblem::Severity::Error ? "  error: " : "  warning: ")
               << problem.describe(report.fileName) << '\n';
    }
    const qint64 more = report.errorCount() + report.warningCount() - shown;
    if (more > 0)
        stream << "  … and " << number(more) << " more\n";
}

} // namespace mtm::cli
