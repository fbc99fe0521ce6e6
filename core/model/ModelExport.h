// A model folder exported as a GGUF file for llama.cpp, Ollama and LM Studio (engine/export/GgufExport).
#pragma once

#include "Progress.h"

#include <QString>
#include <QStringList>

namespace mtm::core {

// The file types a GGUF export offers, as users name them: f16, q8_0, q4_k_m, q5_k_m, bf16, f32.
QStringList ggufFileTypes();

// Writes folder as one GGUF file at path, whole or not at all; progress(tensors done, tensors). Error
// InvalidInput for an unknown type or a model that cannot be exported, Cancelled when progress said stop.
void exportModelToGguf(const QString &folder, const QString &path, const QString &type, const Progress &progress);

} // namespace mtm::core
