// The app's file dialogs, in one place that tests can answer: setNextFiles() makes the next dialog return those
// files at once, without showing it (an empty list: the user cancelled).
#pragma once

#include <QStringList>

#include <optional>

class QWidget;

namespace mtm::ui {

class FileDialog
{
public:
    static QStringList openFiles(QWidget *parent, const QString &caption, const QString &filter);
    // Empty when the user cancelled.
    static QString openFile(QWidget *parent, const QString &caption, const QString &filter);
    // Empty when the user cancelled.
    static QString saveFile(QWidget *parent, const QString &caption, const QString &suggestedName,
                            const QString &filter);
    // Empty when the user cancelled.
    static QString openFolder(QWidget *parent, const QString &caption);

    // For tests: the next dialog returns these files without being shown.
    static void setNextFiles(const QStringList &files);

private:
    static std::optional<QStringList> s_nextFiles;
};

} // namespace mtm::ui
