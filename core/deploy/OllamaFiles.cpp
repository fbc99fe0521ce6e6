#include "deploy/OllamaFiles.h"

#include "Error.h"
#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OllamaFiles)
};

} // namespace

OllamaFiles placeOllamaFiles(const JobInfo &job, OllamaRecipe recipe, const OllamaFilesRequest &request)
{
    const bool hasAdapter = isAdapterFolder(job.outputFolder());
    const QString type = request.type.toLower();
    const QDir folder(request.folder);
    OllamaFiles files;
    if (request.route == OllamaRoute::Merged) {
        files.modelFile = folder.filePath(QStringLiteral("model-%1.gguf").arg(type));
        recipe.from = QStringLiteral("./") + QFileInfo(files.modelFile).fileName();
        recipe.fromWhy =
            hasAdapter
                ? Text::tr("The fine-tuned model: the base with the adapter merged in, at %1.").arg(type.toUpper())
                : Text::tr("The fine-tuned model, at %1.").arg(type.toUpper());
    } else {
        files.adapterFile = folder.filePath(QStringLiteral("adapter.gguf"));
        recipe.adapter = QStringLiteral("./adapter.gguf");
        if (request.baseOllamaName.isEmpty()) {
            files.modelFile = folder.filePath(QStringLiteral("base-%1.gguf").arg(type));
            recipe.from = QStringLiteral("./") + QFileInfo(files.modelFile).fileName();
            recipe.fromWhy = Text::tr("The base model the adapter was trained on, at %1.").arg(type.toUpper());
        } else {
            recipe.from = request.baseOllamaName;
            recipe.fromWhy = Text::tr("The base model, as Ollama already has it: it must be the very model the "
                                      "adapter was trained on.");
        }
    }
    recipe.system = request.system;
    files.modelfile = folder.filePath(QStringLiteral("Modelfile"));
    files.recipe = std::move(recipe);
    return files;
}

OllamaFiles writeOllamaFiles(const JobInfo &job, const OllamaFilesRequest &request, const Progress &progress)
{
    if (job.state != JobState::Completed)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2: only a completed job's model can be deployed.")
                                               .arg(job.id)
                                               .arg(jobStateId(job.state)));
    const QString output = job.outputFolder();
    const bool hasAdapter = isAdapterFolder(output);
    if (request.route == OllamaRoute::Adapter && !hasAdapter)
        throw Error(Error::Kind::Conflict,
                    Text::tr("Job %1 trained the whole model: it has no adapter to deploy on its own.").arg(job.id));
    const OllamaFiles files = placeOllamaFiles(job, ollamaRecipeFor(job), request);
    const QString modelfile = modelfileText(files.recipe); // refuses what a Modelfile cannot hold before the export
    if (!QDir().mkpath(request.folder))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(request.folder));
    GgufExportRequest exportRequest;
    exportRequest.model = output;
    exportRequest.type = request.type.toLower();
    exportRequest.gguf = files.modelFile;
    exportRequest.merge = request.route == OllamaRoute::Merged && hasAdapter;
    exportRequest.adapterGguf = files.adapterFile;
    exportToGguf(exportRequest, progress);

    QSaveFile out(files.modelfile);
    if (!out.open(QIODevice::WriteOnly) || out.write(modelfile.toUtf8()) < 0 || !out.commit())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(files.modelfile, out.errorString()));
    return files;
}

} // namespace mtm::core
