#include "ProgressLine.h"

#include "CliText.h"

#include <unistd.h>

#include <cstdio>

namespace mtm::cli {

ProgressLine::ProgressLine(QString label)
    : m_label(std::move(label))
    , m_enabled(isatty(STDERR_FILENO))
{
    m_started.start();
}

ProgressLine::~ProgressLine()
{
    if (m_drawn)
        std::fprintf(stderr, "\n");
}

void ProgressLine::setLabel(const QString &label)
{
    m_label = label;
    if (!m_enabled) {
        std::fprintf(stderr, "%s\n", qPrintable(label));
        return;
    }
    m_lastDrawMs = -1000; // shown at once
    update(m_done, m_total);
}

void ProgressLine::update(qint64 done, qint64 total)
{
    m_done = done;
    m_total = total;
    if (!m_enabled || total <= 0)
        return;
    const qint64 now = m_started.elapsed();
    if (now - m_lastDrawMs < 200 && done < total)
        return;
    m_lastDrawMs = now;
    const double fraction = double(done) / double(total);
    QString line = QStringLiteral("%1  %2%").arg(m_label).arg(int(fraction * 100));
    if (fraction > 0.02 && done < total && now > 1000)
        line += QStringLiteral("  about %1 left").arg(formatDuration(qint64(now / 1000.0 * (1 - fraction) / fraction)));
    std::fprintf(stderr, "\r%-78s", qPrintable(line));
    std::fflush(stderr);
    m_drawn = true;
}

} // namespace mtm::cli
