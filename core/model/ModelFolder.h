// A quick look at a Hugging Face model folder before anything is loaded: its family, size and stored dtype, or
// what is wrong with it, so that the New Job dialog can check a folder the moment it is chosen; and the base
// model an adapter folder belongs to.
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

// A PEFT LoRA adapter folder (adapter_config.json, no config.json), such as a job's qlora_model or lora_model.
bool isAdapterFolder(const QString &folder);
// The base model folder an adapter folder names in adapter_config.json (the app writes the base's folder there).
// Throws Error when it names no model folder on this computer.
QString adapterBaseFolder(const QString &adapter);
// The model folder whose settings and weights a folder stands on: the folder itself, or an adapter folder's base.
QString baseModelFolderOf(const QString &folder);

} // namespace mtm::core
