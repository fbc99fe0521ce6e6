// The forms a completed job's model can be shipped in, each with its size — what the Deployment page lists
// before anything is written: the fine-tuned model as one GGUF (the adapter merged in), which Ollama and
// LM Studio both take; the base model's GGUF with the LoRA adapter as a GGUF beside it, which Ollama takes as
// FROM + ADAPTER; and the job's model folder as it is (the download), which transformers and PEFT load.
#pragma once

#include <QString>

namespace mtm::core {

struct JobInfo;

struct DeployableForms
{
    QString type;      // the GGUF type the GGUF sizes are for
    qint64 merged = 0; // the fine-tuned model as one GGUF
    bool hasAdapter = false;
    qint64 base = 0;    // with an adapter: the base model's GGUF ...
    qint64 adapter = 0; // ... and the adapter's
    qint64 folder = 0;  // the model folder: the adapter alone for LoRA and QLoRA jobs, the whole model otherwise
};

// The folder of the job's language model, which deploying, installing and checking work on: JobInfo::modelFolder.
// Throws Error (InvalidInput) for a RAG job that fine-tuned no generator, saying how its index is used instead.
QString deployableModelFolder(const JobInfo &job);

// Reads the shapes and sizes, converts nothing. Throws Error for a type that is not one or a folder that cannot be
// exported.
DeployableForms deployableForms(const JobInfo &job, const QString &type);

} // namespace mtm::core
