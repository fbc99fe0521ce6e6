#include "pages/JobArchiveDownload.h"

#include "deploy/JobDownload.h"
#include "dialogs/FileDialog.h"
#include "dialogs/MessageBox.h"
#include "jobs/JobInfo.h"
#include "pages/PageTask.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace mtm::ui {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(JobArchiveDownload)
};

} // namespace

void downloadJobArchive(Page *page, PageTask &task, core::JobInfo job)
{
    if (task.isRunning())
        return;
    const QString target = FileDialog::saveFile(page, Text::tr("Download Model"), core::jobArchiveFileName(job.id),
                                                Text::tr("Compressed archives (*.tar.gz)"));
    if (target.isEmpty())
        return;
    task.run(
        Text::tr("Download Model"), Text::tr("Writing %1…").arg(QFileInfo(target).fileName()),
        QStringLiteral("downloadProgress"),
        [job, target](const core::Progress &progress, const auto &) { core::writeJobArchive(job, target, progress); },
        [page, target] {
            emit page->statusMessage(
                Text::tr("Saved the model as %1 (%2).")
                    .arg(QDir::toNativeSeparators(target), QLocale().formattedDataSize(QFileInfo(target).size())));
        },
        [page](const core::Error &error) { MessageBox::warning(page, Text::tr("Cannot Download"), error.message()); });
}

} // namespace mtm::ui
