// Durations for people: the time a piece of work still needs ("about 3 seconds left"), from how long it has run
// and how far it has come (empty while it is too early to tell), and a duration as "2 min 10 s".
#pragma once

#include <QString>

namespace mtm::ui {

QString timeLeft(qint64 elapsedMs, double fraction);
QString durationText(qint64 seconds); // "45 s", "2 min 10 s", "1 h 5 min"

} // namespace mtm::ui
