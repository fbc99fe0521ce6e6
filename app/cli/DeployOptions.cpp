#include "DeployOptions.h"

namespace mtm::cli {

QCommandLineOption jobOption()
{
    return QCommandLineOption(QStringLiteral("job"), QStringLiteral("The completed job's id."), QStringLiteral("ID"));
}

QCommandLineOption ggufTypeOption()
{
    return QCommandLineOption(QStringLiteral("type"),
                              QStringLiteral("The GGUF type: f16, q8_0, q4_k_m, q5_k_m, bf16 or f32 (default q4_k_m)."),
                              QStringLiteral("TYPE"), QStringLiteral("q4_k_m"));
}

QString OllamaFilesOptions::problem(const QCommandLineParser &parser) const
{
    return parser.isSet(base) && !parser.isSet(adapterRoute) ? QStringLiteral("--base goes with --adapter-route.")
                                                             : QString();
}

core::OllamaFilesRequest OllamaFilesOptions::request(const QCommandLineParser &parser, const QString &folder,
                                                     const QString &type) const
{
    core::OllamaFilesRequest request;
    request.folder = folder;
    request.type = type;
    request.route = parser.isSet(adapterRoute) ? core::OllamaRoute::Adapter : core::OllamaRoute::Merged;
    request.baseOllamaName = parser.value(base);
    request.system = parser.value(system);
    return request;
}

} // namespace mtm::cli
