#include "ExportCommand.h"

#include "CtrlC.h"
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
        "layers llama.cpp keeps at higher precision). Ctrl+C stops it and leaves no file."));
    addOptions({m_model, m_gguf, m_type});
}

int ExportCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    if (!parser.isSet(m_gguf))
        return usageError(QStringLiteral("--gguf is required."), context);
    const QString folder = modelFolder(parser, m_model, context);
    const QString target = parser.value(m_gguf);
    {
        const CtrlC ctrlC;
        ProgressLine progress(QStringLiteral("Writing %1").arg(QFileInfo(target).fileName()));
        core::exportModelToGguf(folder, target, parser.value(m_type), [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return !CtrlC::pressed();
        });
    }
    context.out << "Wrote " << target << " (" << parser.value(m_type).toLower() << ", "
                << QLocale().formattedDataSize(QFileInfo(target).size()) << ").\n";
    return Success;
}

} // namespace mtm::cli
