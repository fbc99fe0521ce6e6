#include "TimeLeft.h"

#include <QCoreApplication>

namespace mtm::ui {

QString timeLeft(qint64 elapsedMs, double fraction)
{
    if (fraction <= 0.02 || fraction >= 1.0 || elapsedMs <= 1000)
        return QString();
    const auto seconds = qint64(double(elapsedMs) / 1000.0 * (1.0 - fraction) / fraction) + 1;
    if (seconds < 60)
        return QCoreApplication::translate("TimeLeft", "about %n second(s) left", nullptr, int(seconds));
    const int minutes = int((seconds + 59) / 60); // (lupdate 6.4 hangs on this expression inside the call)
    return QCoreApplication::translate("TimeLeft", "about %n minute(s) left", nullptr, minutes);
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QCoreApplication::translate("TimeLeft", "%1 s").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("TimeLeft", "%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QCoreApplication::translate("TimeLeft", "%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace mtm::ui
