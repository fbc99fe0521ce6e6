#include "deploy/DeployableForms.h"

#include "Error.h"
#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DeployableForms)
};

} // namespace

QString deployableModelFolder(const JobInfo &job)
{
    const QString folder = job.modelFolder();
    if (folder.isEmpty())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("Job %1 is a RAG job that fine-tuned no generator: it has no language model to deploy. "
                             "Its index is served to other programs by the retrieval service (mtm rag serve --job %1, "
                             "or the Deployment page).")
                        .arg(job.id));
    return folder;
}

DeployableForms deployableForms(const JobInfo &job, const QString &type)
{
    DeployableForms forms;
    forms.type = type.toLower();
    const QString output = deployableModelFolder(job);
    forms.hasAdapter = isAdapterFolder(output);
    // The names the Ollama files get (OllamaFiles), which are written into the files.
    GgufExportRequest request;
    request.model = output;
    request.type = forms.type;
    request.gguf = QStringLiteral("model-%1.gguf").arg(forms.type);
    request.merge = forms.hasAdapter;
    forms.merged = ggufExportSizes(request).model;
    if (forms.hasAdapter) {
        request.gguf = QStringLiteral("base-%1.gguf").arg(forms.type);
        request.merge = false;
        request.adapterGguf = QStringLiteral("adapter.gguf");
        const GgufExportSizes split = ggufExportSizes(request);
        forms.base = split.model;
        forms.adapter = split.adapter;
    }
    for (QDirIterator files(output, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); files.hasNext();)
        forms.folder += files.nextFileInfo().size();
    return forms;
}

} // namespace mtm::core
