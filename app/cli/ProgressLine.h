// A progress line on standard error ("Importing data.csv  45%  about 3 s left"), redrawn in place, and
// only when standard error is a terminal.
#pragma once

#include "CtrlC.h"
#include "Progress.h"

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

// Long work a command runs: a progress line follows it and Ctrl+C asks it to stop. report() is the core::Progress
// to hand to the work.
class TerminalProgress
{
public:
    explicit TerminalProgress(QString label)
        : m_line(std::move(label))
    {}

    core::Progress report()
    {
        return [this](qint64 done, qint64 total) {
            m_line.update(done, total);
            return !CtrlC::pressed();
        };
    }
    void setLabel(const QString &label) { m_line.setLabel(label); }

private:
    CtrlC m_ctrlC; // listening until after the line has ended
    ProgressLine m_line;
};

} // namespace mtm::cli
