#include "deploy/OllamaFiles.h"

#include "DurableFile.h"
#include "Error.h"
#include "deploy/DeployableForms.h"
#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OllamaFiles)
};

// FROM names a model Ollama has ("llama3.2:1b", "hf.co/org/model:Q4_K_M"), not a file.
bool namesOllamaModel(const QString &from)
{
    return !from.startsWith(QLatin1Char('.')) && !from.startsWith(QLatin1Char('/')) &&
           !from.startsWith(QLatin1Char('~')) && !from.startsWith(QLatin1Char('\\')) &&
           !from.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive);
}

} // namespace

OllamaFiles placeOllamaFiles(const JobInfo &job, OllamaRecipe recipe, const OllamaFilesRequest &asked)
{
    OllamaFilesRequest request = asked;
    std::optional<ParsedModelfile> own;
    if (!request.modelfileText.isEmpty()) {
        own = parseModelfile(request.modelfileText);
        if (request.route == OllamaRoute::Adapter && namesOllamaModel(own->from))
            request.baseOllamaName = own->from; // the person's Modelfile starts from a model Ollama has
    }
    const bool hasAdapter = isAdapterFolder(deployableModelFolder(job));
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
    files.modelfileText = own ? request.modelfileText : modelfileText(files.recipe);
    files.created = own ? *own : parseModelfile(files.modelfileText);

    // The Modelfile must name the files written beside it.
    const ParsedModelfile &created = files.created;
    if (created.from != files.recipe.from)
        throw modelfileError(created.fromLine,
                             request.route == OllamaRoute::Merged
                                 ? Text::tr("FROM %1: the model this deploy writes is %2, for the type and route "
                                            "chosen; FROM must name it.")
                                       .arg(created.from, files.recipe.from)
                                 : Text::tr("FROM %1: the base this deploy writes is %2, for the type and route "
                                            "chosen; FROM must name it, or the Ollama model the base is (such as "
                                            "llama3.2:1b).")
                                       .arg(created.from, files.recipe.from));
    if (request.route == OllamaRoute::Merged && !created.adapter.isEmpty())
        throw modelfileError(created.adapterLine,
                             Text::tr("ADAPTER: the merged model has the adapter in it already. Remove the line, or "
                                      "choose base + adapter to deploy the adapter on its own."));
    if (request.route == OllamaRoute::Adapter && created.adapter.isEmpty())
        throw Error(
            Error::Kind::InvalidInput,
            Text::tr("The Modelfile has no ADAPTER line: base + adapter needs ADAPTER %1.").arg(files.recipe.adapter));
    if (created.adapter != files.recipe.adapter)
        throw modelfileError(
            created.adapterLine,
            Text::tr("ADAPTER %1: the adapter this deploy writes is %2.").arg(created.adapter, files.recipe.adapter));
    return files;
}

OllamaFiles writeOllamaFiles(const JobInfo &job, const OllamaFilesRequest &request, const Progress &progress)
{
    if (job.state != JobState::Completed)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2: only a completed job's model can be deployed.")
                                               .arg(job.id)
                                               .arg(jobStateId(job.state)));
    const QString output = deployableModelFolder(job);
    const bool hasAdapter = isAdapterFolder(output);
    if (request.route == OllamaRoute::Adapter && !hasAdapter)
        throw Error(Error::Kind::Conflict,
                    Text::tr("Job %1 trained the whole model: it has no adapter to deploy on its own.").arg(job.id));
    const OllamaFiles files = placeOllamaFiles(job, ollamaRecipeFor(job), request); // refuses before the export
    if (!QDir().mkpath(request.folder))
        throw Error(Error::Kind::Io, Text::tr("Cannot create the folder %1.").arg(request.folder));
    GgufExportRequest exportRequest;
    exportRequest.model = output;
    exportRequest.type = request.type.toLower();
    exportRequest.gguf = files.modelFile;
    exportRequest.merge = request.route == OllamaRoute::Merged && hasAdapter;
    exportRequest.adapterGguf = files.adapterFile;
    exportToGguf(exportRequest, progress);

    writeFileDurably(files.modelfile, files.modelfileText.toUtf8());
    return files;
}

} // namespace mtm::core
