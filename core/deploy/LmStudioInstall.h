// Install into LM Studio: a completed job's model as one merged GGUF in LM Studio's models folder, where LM
// Studio looks for it: <models folder>/<publisher>/<model>/<model>-<TYPE>.gguf. LM Studio cannot attach a LoRA
// adapter of its own accord, so a job's adapter is always merged into the file.
#pragma once

#include "Progress.h"

#include <QString>

namespace mtm::core {

struct JobInfo;

struct LmStudioInstallRequest
{
    QString modelsFolder; // AppSettings::lmStudioModelsDirectory()
    QString publisher = QStringLiteral("model-training-manager");
    QString model; // empty: deploymentName(job)
    QString type = QStringLiteral("q4_k_m");
    bool replace = false;              // an existing file of the same name is replaced (the user confirmed it)
    qint64 keepFree = qint64(1) << 30; // bytes the disk keeps free beyond the file
};

// Where the file goes.
QString lmStudioFile(const JobInfo &job, const LmStudioInstallRequest &request);

// Writes the file (under a temporary name, renamed into place when whole); returns its path. Throws Error:
// Conflict for a job that has not completed, or for a file already there without replace; Io when the disk has
// not room for it and keepFree (checked first, from the model's size and the type's bits per weight); and the
// export's errors.
QString installIntoLmStudio(const JobInfo &job, const LmStudioInstallRequest &request, const Progress &progress);

} // namespace mtm::core
