#include "deploy/DeployableForms.h"

#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <QDirIterator>
#include <QFileInfo>

namespace mtm::core {

DeployableForms deployableForms(const JobInfo &job, const QString &type)
{
    DeployableForms forms;
    forms.type = type.toLower();
    const QString output = job.outputFolder();
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
