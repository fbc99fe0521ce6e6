#include "dialogs/FileDialog.h"

#include <QFileDialog>

namespace mtm::ui {

std::optional<QStringList> FileDialog::s_nextFiles;

QStringList FileDialog::openFiles(QWidget *parent, const QString &caption, const QString &filter)
{
    if (s_nextFiles)
        return std::exchange(s_nextFiles, std::nullopt).value();
    return QFileDialog::getOpenFileNames(parent, caption, QString(), filter);
}

QString FileDialog::openFile(QWidget *parent, const QString &caption, const QString &filter)
{
    if (s_nextFiles)
        return std::exchange(s_nextFiles, std::nullopt).value().value(0);
    return QFileDialog::getOpenFileName(parent, caption, QString(), filter);
}

QString FileDialog::saveFile(QWidget *parent, const QString &caption, const QString &suggestedName,
                             const QString &filter)
{
    if (s_nextFiles)
        return std::exchange(s_nextFiles, std::nullopt).value().value(0);
    return QFileDialog::getSaveFileName(parent, caption, suggestedName, filter);
}

QString FileDialog::openFolder(QWidget *parent, const QString &caption)
{
    if (s_nextFiles)
        return std::exchange(s_nextFiles, std::nullopt).value().value(0);
    return QFileDialog::getExistingDirectory(parent, caption);
}

void FileDialog::setNextFiles(const QStringList &files)
{
    s_nextFiles = files;
}

} // namespace mtm::ui
