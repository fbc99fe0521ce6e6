#include "CliText.h"

#include "data/ValidationReport.h"
#include "engine/train/TrainingProgress.h"

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

QString stepLine(const engine::TrainingProgress &p)
{
    return QStringLiteral("step %1/%2  epoch %3  loss %4  lr %5  grad %6  %7 tok/s  %8 MiB  %9 left")
        .arg(p.step)
        .arg(p.totalSteps)
        .arg(p.epoch, 0, 'f', 2)
        .arg(p.loss.value_or(0.0), 0, 'f', 4)
        .arg(p.learningRate, 0, 'e', 2)
        .arg(p.gradientNorm, 0, 'f', 3)
        .arg(p.tokensPerSecond, 0, 'f', 0)
        .arg(p.memoryBytes / (1024 * 1024))
        .arg(formatDuration(qint64(p.etaSeconds)));
}

QString evaluationLine(const engine::TrainingProgress &p)
{
    return QStringLiteral("eval  step %1  held-out loss %2").arg(p.step).arg(p.evalLoss.value_or(0.0), 0, 'f', 4);
}

} // namespace mtm::cli
