// Writes a PNG of every page and dialog of the main window, so that the UI can be looked at without a desktop.
#pragma once

#include <QStringList>

namespace mtm::ui {

class MainWindow;

// Returns the files written. Throws core::Error when the directory or a file cannot be written.
QStringList saveScreenshots(MainWindow &window, const QString &directory);

} // namespace mtm::ui
