// The files Ollama creates a model from, written beside each other for a completed job: the GGUF model (the
// fine-tuned model merged, or the base model with the LoRA adapter as a GGUF adapter) and the Modelfile that
// names them. Deploy to Ollama uploads these; "ollama create NAME -f Modelfile" in a terminal takes them as they are.
#pragma once

#include "Progress.h"
#include "deploy/OllamaRecipe.h"

#include <QString>

namespace mtm::core {

struct JobInfo;

enum class OllamaRoute {
    Merged,  // one GGUF with the adapter merged in: every Ollama version accepts it
    Adapter, // the base GGUF (or an Ollama model the user names) and a GGUF adapter
};

struct OllamaFilesRequest
{
    QString folder;                          // where to write (created when missing; files of the same names replaced)
    QString type = QStringLiteral("q4_k_m"); // the GGUF type of the model file (ggufFileTypes())
    OllamaRoute route = OllamaRoute::Merged;
    QString baseOllamaName; // Adapter route: the Ollama model the base is ("llama3.2:1b"); empty: export the base
    QString system;         // SYSTEM; empty: none
};

struct OllamaFiles
{
    QString modelFile;   // the GGUF model file (empty when FROM names an Ollama model)
    QString adapterFile; // the GGUF adapter (Adapter route)
    QString modelfile;   // the Modelfile
    OllamaRecipe recipe; // what the Modelfile says, for /api/create
};

// Where the request's files go and the recipe that names them (FROM, ADAPTER, SYSTEM), without writing anything:
// what the Deployment page previews.
OllamaFiles placeOllamaFiles(const JobInfo &job, OllamaRecipe recipe, const OllamaFilesRequest &request);

// Writes the files; progress(done, total) over the export. Throws Error: Conflict for a job that has not completed
// or an Adapter route for a job without an adapter (a full fine-tune), and what the export or the recipe throws.
OllamaFiles writeOllamaFiles(const JobInfo &job, const OllamaFilesRequest &request, const Progress &progress);

} // namespace mtm::core
