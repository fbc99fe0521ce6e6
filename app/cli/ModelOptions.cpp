#include "ModelOptions.h"

#include "AppCore.h"

namespace mtm::cli {

QCommandLineOption modelOption()
{
    return QCommandLineOption(QStringLiteral("model"),
                              QStringLiteral("The model folder, a LoRA adapter folder or a GGUF file (default: the "
                                             "built-in starter model)."),
                              QStringLiteral("DIR"));
}

QCommandLineOption adapterOption()
{
    return QCommandLineOption(QStringLiteral("adapter"),
                              QStringLiteral("A LoRA adapter folder (a job's qlora_model or lora_model) to apply."),
                              QStringLiteral("DIR"));
}

QCommandLineOption dtypeOption()
{
    return QCommandLineOption(QStringLiteral("dtype"), QStringLiteral("auto, float32 or bfloat16 (default auto)."),
                              QStringLiteral("TYPE"), QStringLiteral("auto"));
}

QCommandLineOption deviceOption()
{
    return QCommandLineOption(QStringLiteral("device"), QStringLiteral("auto, cpu, cuda or cuda:N (default auto)."),
                              QStringLiteral("DEVICE"), QStringLiteral("auto"));
}

QString modelFolder(const QCommandLineParser &parser, const QCommandLineOption &option, CliContext &context)
{
    return parser.isSet(option) ? parser.value(option) : context.core().starterModel();
}

} // namespace mtm::cli
