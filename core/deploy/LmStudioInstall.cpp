#include "deploy/LmStudioInstall.h"

#include "Error.h"
#include "deploy/DeployableForms.h"
#include "deploy/DeploymentName.h"
#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QStorageInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(LmStudioInstall)
};

} // namespace

QString lmStudioFile(const JobInfo &job, const LmStudioInstallRequest &request)
{
    const QString model = request.model.isEmpty() ? deploymentName(job) : request.model;
    return QDir(request.modelsFolder)
        .filePath(request.publisher + QLatin1Char('/') + model + QLatin1Char('/') + model + QLatin1Char('-') +
                  request.type.toUpper() + QStringLiteral(".gguf"));
}

QString installIntoLmStudio(const JobInfo &job, const LmStudioInstallRequest &request, const Progress &progress)
{
    if (job.state != JobState::Completed)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2: only a completed job's model can be installed.")
                                               .arg(job.id)
                                               .arg(jobStateId(job.state)));
    const QString target = lmStudioFile(job, request);
    if (QFileInfo::exists(target) && !request.replace)
        throw Error(Error::Kind::Conflict,
                    Text::tr("LM Studio already has %1. Replace it, or give the model another name.").arg(target));
    GgufExportRequest exportRequest;
    exportRequest.model = deployableModelFolder(job);
    exportRequest.type = request.type;
    exportRequest.gguf = target;
    exportRequest.merge = isAdapterFolder(exportRequest.model);
    const qint64 needed = ggufExportSizes(exportRequest).model + (16 << 20); // the file, and room to breathe
    // The disk is asked before anything is created on it: through the nearest folder that exists.
    QFileInfo existing(QFileInfo(target).absolutePath());
    while (!existing.exists() && !existing.isRoot())
        existing = QFileInfo(existing.absolutePath());
    const QStorageInfo disk(existing.absoluteFilePath());
    if (disk.bytesAvailable() < needed + request.keepFree)
        throw Error(Error::Kind::Io,
                    Text::tr("The model needs about %1, and %2 has %3 free (of which %4 are to stay free).")
                        .arg(QLocale().formattedDataSize(needed), disk.rootPath(),
                             QLocale().formattedDataSize(disk.bytesAvailable()),
                             QLocale().formattedDataSize(request.keepFree)));
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(QFileInfo(target).absolutePath()));
    exportToGguf(exportRequest, progress);
    return target;
}

} // namespace mtm::core
