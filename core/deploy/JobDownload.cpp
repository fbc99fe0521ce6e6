#include "deploy/JobDownload.h"

#include "Error.h"
#include "deploy/ModelArchive.h"
#include "jobs/JobInfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(JobDownload)
};

} // namespace

QString jobArchiveFileName(qint64 jobId)
{
    return QStringLiteral("model_job_%1.tar.gz").arg(jobId);
}

void writeJobArchive(const JobInfo &job, const QString &path, const Progress &progress)
{
    if (job.state != JobState::Completed)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2: only a completed job's model can be downloaded.")
                                               .arg(job.id)
                                               .arg(jobStateId(job.state)));
    const QStringList folders = job.resultFolders();
    for (const QString &folder : folders)
        if (!QFileInfo(folder).isDir())
            throw Error(Error::Kind::NotFound,
                        Text::tr("Job %1's folder %2 is gone; nothing to download.").arg(job.id).arg(folder));
    writeModelArchive(folders, path, progress);
}

QString importFolderFor(const QString &modelsDirectory, const QString &archive)
{
    QString name = QFileInfo(archive).fileName();
    for (const QString &extension : {QStringLiteral(".tar.gz"), QStringLiteral(".tgz"), QStringLiteral(".tar")})
        if (name.endsWith(extension, Qt::CaseInsensitive)) {
            name.chop(extension.size());
            break;
        }
    return modelsDirectory + QStringLiteral("/imported/") + name;
}

QString importModelArchive(const QString &archive, const QString &target, const Progress &progress)
{
    extractModelArchive(archive, target, progress);
    const QStringList inside = QDir(target).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    return inside.size() == 1 && QFileInfo(target + QLatin1Char('/') + inside.first()).isDir()
               ? target + QLatin1Char('/') + inside.first()
               : target;
}

} // namespace mtm::core
