// A quick look at a Hugging Face model folder before anything is loaded: its family, size and stored dtype, or
// what is wrong with it, so that the New Job dialog can check a folder the moment it is chosen.
#pragma once

#include <QString>

namespace mtm::core {

struct ModelFolderSummary
{
    QString family; // "llama", "mistral", "qwen2"
    qint64 parameters = 0;
    QString dtype; // as stored: "bfloat16", "float16", "float32"

    QString describe() const; // "llama, 3.4 M parameters, stored in bfloat16"
};

// Reads config.json and the checkpoint's headers (not the weights). Throws Error saying what is wrong or missing.
ModelFolderSummary inspectModelFolder(const QString &folder);

} // namespace mtm::core
