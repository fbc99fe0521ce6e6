#include "DeployOptions.h"

#include "Error.h"
#include "deploy/Modelfile.h"

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
    if (parser.isSet(base) && !parser.isSet(adapterRoute))
        return QStringLiteral("--base goes with --adapter-route.");
    if (parser.isSet(modelfile) && (parser.isSet(system) || parser.isSet(base)))
        return QStringLiteral("--system and --base are lines of your --modelfile (SYSTEM, FROM): write them there.");
    return {};
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
    if (parser.isSet(modelfile))
        request.modelfileText = core::readModelfile(parser.value(modelfile));
    return request;
}

} // namespace mtm::cli
