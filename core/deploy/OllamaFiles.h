// The files Ollama creates a model from, written beside each other for a completed job: the GGUF model (the
// fine-tuned model merged, or the base model with the LoRA adapter as a GGUF adapter) and the Modelfile that
// names them — the one this app writes, or the person's own edit of it. Deploy to Ollama uploads these and creates
// the model as the Modelfile says; "ollama create NAME -f Modelfile" in a terminal takes them as they are.
#pragma once

#include "Progress.h"
#include "deploy/Modelfile.h"
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
    // The person's own Modelfile; empty: the one written from the recipe. Its FROM and ADAPTER must name the files
    // above (on the Adapter route FROM may name the Ollama model the base is), the rest is theirs.
    QString modelfileText;
};

struct OllamaFiles
{
    QString modelFile;       // the GGUF model file (empty when FROM names an Ollama model)
    QString adapterFile;     // the GGUF adapter (Adapter route)
    QString modelfile;       // the Modelfile
    OllamaRecipe recipe;     // the recipe, its FROM, ADAPTER and SYSTEM naming these files
    QString modelfileText;   // what the Modelfile says: written from the recipe, or the request's own
    ParsedModelfile created; // the Modelfile read back: what /api/create is sent
};

// Where the request's files go and the Modelfile that names them, without writing anything: what the Deployment
// page previews and checks. Throws Error (InvalidInput) for a Modelfile that is wrong (parseModelfile), whose FROM
// or ADAPTER does not name these files, or that cannot hold the recipe's template or system message.
OllamaFiles placeOllamaFiles(const JobInfo &job, OllamaRecipe recipe, const OllamaFilesRequest &request);

// Writes the files; progress(done, total) over the export. Throws Error: Conflict for a job that has not completed
// or an Adapter route for a job without an adapter (a full fine-tune), and what the export or the recipe throws.
OllamaFiles writeOllamaFiles(const JobInfo &job, const OllamaFilesRequest &request, const Progress &progress);

} // namespace mtm::core
