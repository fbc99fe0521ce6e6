// The time a piece of work still needs, for people ("about 3 seconds left"), from how long it has run and how
// far it has come; empty while it is too early to tell.
#pragma once

#include <QString>

namespace mtm::ui {

QString timeLeft(qint64 elapsedMs, double fraction);

} // namespace mtm::ui
