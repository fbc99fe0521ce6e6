// A model exported as GGUF files for llama.cpp, Ollama and LM Studio (engine/export/GgufExport): the model
// alone, the model with a LoRA adapter merged into it, or the adapter as a GGUF adapter beside its base.
#pragma once

#include "Progress.h"

#include <QString>
#include <QStringList>

namespace mtm::core {

// The file types a GGUF export offers, as users name them: f16, q8_0, q4_k_m, q5_k_m, bf16, f32.
QStringList ggufFileTypes();

struct GgufExportRequest
{
    QString model;       // a model folder, or a LoRA adapter folder standing for its base with this adapter
    QString adapter;     // a LoRA adapter folder to apply to the model; empty: none (or model's own, see above)
    QString type;        // one of ggufFileTypes(), for the model file
    QString gguf;        // where to write the model file; empty: not written
    bool merge = false;  // the model file has the adapter merged into its weights
    QString adapterGguf; // where to write the adapter alone (float32, applied to the model file); empty: not written
};

// The sizes in bytes of the files exportToGguf(request) writes (0 for a file it does not write), known before
// anything is written. Throws Error as exportToGguf does for a request that does not add up.
struct GgufExportSizes
{
    qint64 model = 0;
    qint64 adapter = 0;
};
GgufExportSizes ggufExportSizes(const GgufExportRequest &request);

// Writes the files asked for, each whole or not at all; progress(done, total) in thousandths of the whole. Error
// InvalidInput for a request that does not add up (an adapter file without an adapter, an adapter that is
// neither merged nor written beside the model), an unknown type or a model or adapter that cannot be exported;
// Cancelled when progress said stop (the files already written stay).
void exportToGguf(const GgufExportRequest &request, const Progress &progress);

} // namespace mtm::core
