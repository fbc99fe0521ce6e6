// Screenshots the GUI tests take to be looked at: with MTM_TEST_SCREENSHOTS set to a folder, saveScreenshot
// writes the widget there as a PNG; without it, nothing.
#pragma once

#include <QDir>
#include <QWidget>

namespace mtm::test {

inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString folder = qEnvironmentVariable("MTM_TEST_SCREENSHOTS");
    if (!folder.isEmpty() && QDir().mkpath(folder))
        widget->grab().save(QDir(folder).filePath(name));
}

} // namespace mtm::test
