#include "ExportCommand.h"

#include "ProgressLine.h"
#include "model/ModelExport.h"

#include <QFileInfo>
#include <QLocale>

namespace mtm::cli {

ExportCommand::ExportCommand()
    : ParsedCommand(QStringLiteral("export"), QStringLiteral("Write a model as a GGUF file for llama.cpp and Ollama"))
{
    setDescription(QStringLiteral(
        "Writes a model folder (Llama, Mistral or Qwen2 family; by default the starter model) as one GGUF file: "
        "its settings, tokenizer and chat template, and its weights in the chosen type (q4_k_m and q5_k_m keep the "
        "layers llama.cpp keeps at higher precision). With a LoRA adapter (--adapter, or an adapter folder as "
        "--model), --merge folds it into the model file, and --adapter-gguf writes it as a GGUF adapter for "
        "Ollama's ADAPTER line; both can be written at once. Ctrl+C stops it and leaves no partial file."));
    addOptions({m_model, m_adapter, m_gguf, m_type, m_merge, m_adapterGguf});
}

int ExportCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (!parser.isSet(m_gguf) && !parser.isSet(m_adapterGguf))
        return usageError(QStringLiteral("Give --gguf FILE, --adapter-gguf FILE or both."), context);
    core::GgufExportRequest request;
    request.model = modelFolder(parser, m_model, context);
    request.adapter = parser.value(m_adapter);
    request.type = parser.value(m_type);
    request.gguf = parser.value(m_gguf);
    request.merge = parser.isSet(m_merge);
    request.adapterGguf = parser.value(m_adapterGguf);
    {
        QStringList names;
        for (const QString &target : {request.gguf, request.adapterGguf}) {
            if (!target.isEmpty())
                names << QFileInfo(target).fileName();
        }
        TerminalProgress progress(QStringLiteral("Writing %1").arg(names.join(QStringLiteral(" and "))));
        core::exportToGguf(request, progress.report());
    }
    if (!request.gguf.isEmpty())
        context.out << "Wrote " << request.gguf << " (" << request.type.toLower()
                    << (request.merge ? ", adapter merged" : "") << ", "
                    << QLocale().formattedDataSize(QFileInfo(request.gguf).size()) << ").\n";
    if (!request.adapterGguf.isEmpty())
        context.out << "Wrote " << request.adapterGguf << " (LoRA adapter, f32, "
                    << QLocale().formattedDataSize(QFileInfo(request.adapterGguf).size()) << ").\n";
    return Success;
}

} // namespace mtm::cli
