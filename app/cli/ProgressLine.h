// A progress line on standard error ("Importing data.csv  45%  about 3 s left"), redrawn in place, and
// only when standard error is a terminal.
#pragma once

#include <QElapsedTimer>
#include <QString>

namespace mtm::cli {

class ProgressLine
{
public:
    explicit ProgressLine(QString label);
    ~ProgressLine(); // ends the line

    void update(qint64 done, qint64 total);
    // A new step of the work: it names the line from now on; off a terminal it is printed as a line of its own.
    void setLabel(const QString &label);

private:
    QString m_label;
    bool m_enabled;
    qint64 m_done = 0, m_total = 0;
    QElapsedTimer m_started;
    qint64 m_lastDrawMs = -1000;
    bool m_drawn = false;
};

} // namespace mtm::cli
