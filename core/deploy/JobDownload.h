// A completed job's model as the user guide's download: the job's output folder (qlora_model/, lora_model/,
// standard_model/ or rag_model/, with lora_model/ beside it for a RAG job's generator) as model_job_<id>.tar.gz; and
// such an archive opened again, on this computer or another. The window, the command line and the REST API share them.
#pragma once

#include "Progress.h"

#include <QString>

namespace mtm::core {

struct JobInfo;

QString jobArchiveFileName(qint64 jobId); // "model_job_7.tar.gz"

// Writes the archive at path (writeModelArchive: whole or not at all, progress in bytes). Throws Error: Conflict
// while the job has not completed (saying where it stands), NotFound when its output folder is gone.
void writeJobArchive(const JobInfo &job, const QString &path, const Progress &progress);

// Where an archive is opened unless the person says otherwise: <models>/imported/<its name without .tar.gz>.
QString importFolderFor(const QString &modelsDirectory, const QString &archive);

// Opens the archive into target (extractModelArchive: safely, whole or not at all) and returns the model folder:
// the one folder a job's archive holds (lora_model/, ...), else target itself. Throws Error.
QString importModelArchive(const QString &archive, const QString &target, const Progress &progress);

} // namespace mtm::core
