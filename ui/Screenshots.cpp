#include "Screenshots.h"

#include "Error.h"
#include "MainWindow.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QEventLoop>
#include <QPixmap>
#include <QTimer>

namespace mtm::ui {
namespace {

void settle()
{
    // Layouts, style polish and chart animations need a few event-loop turns before a grab.
    for (int i = 0; i < 5; ++i) {
        QEventLoop loop;
        QTimer::singleShot(40, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

QString save(QWidget &widget, const QDir &directory, const QString &fileName)
{
    settle();
    const QString path = directory.filePath(fileName);
    if (!widget.grab().save(path, "PNG"))
        throw core::Error(QStringLiteral("Cannot write the screenshot %1.").arg(path));
    return path;
}

QDialog *openDialog(MainWindow &window, void (MainWindow::*open)())
{
    (window.*open)();
    settle();
    return qobject_cast<QDialog *>(QApplication::activeModalWidget());
}

} // namespace

QStringList saveScreenshots(MainWindow &window, const QString &directory)
{
    QDir dir(directory);
    if (!dir.mkpath(QStringLiteral(".")))
        throw core::Error(QStringLiteral("Cannot create the folder %1 for screenshots.").arg(directory));

    window.show();
    window.raise();
    QStringList written;
    const QList<QPair<MainWindow::PageId, QString>> pages = {
        {MainWindow::PageId::Datasets, QStringLiteral("page-datasets.png")},
        {MainWindow::PageId::TrainingJobs, QStringLiteral("page-training-jobs.png")},
        {MainWindow::PageId::Deployment, QStringLiteral("page-deployment.png")}};
    const MainWindow::PageId shownBefore = window.currentPage();
    for (const auto &[page, fileName] : pages) {
        window.showPage(page);
        written << save(window, dir, fileName);
    }
    window.showPage(shownBefore);

    const QList<QPair<void (MainWindow::*)(), QString>> dialogs = {
        {&MainWindow::openSettings, QStringLiteral("dialog-settings.png")},
        {&MainWindow::openAbout, QStringLiteral("dialog-about.png")}};
    for (const auto &[open, fileName] : dialogs) {
        QDialog *dialog = openDialog(window, open);
        if (!dialog)
            throw core::Error(QStringLiteral("The dialog for %1 did not open.").arg(fileName));
        written << save(*dialog, dir, fileName);
        dialog->reject();
    }
    return written;
}

} // namespace mtm::ui
