#include "deploy/OllamaDeploy.h"

#include "Error.h"
#include "deploy/DeployableForms.h"
#include "deploy/DeploymentName.h"
#include "deploy/OllamaClient.h"
#include "jobs/JobInfo.h"
#include "model/LanguageModel.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QVersionNumber>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OllamaDeploy)
};

// The share of the whole each step takes, in thousandths.
constexpr qint64 kExport = 600, kHash = 100, kUpload = 250, kCreate = 25;

} // namespace

bool ollamaVersionIsRecentEnough(const QString &version)
{
    const QVersionNumber number = QVersionNumber::fromString(version);
    return number.isNull() || number == QVersionNumber(0, 0, 0) || number >= QVersionNumber(0, 5, 5);
}

OllamaDeployResult deployToOllama(const JobInfo &job, const OllamaDeployRequest &request, const Progress &progress,
                                  const std::function<void(const QString &step)> &onStep)
{
    const auto step = [&](const QString &text) {
        if (onStep)
            onStep(text);
    };
    OllamaDeployResult result;
    result.model = request.name.isEmpty() ? deploymentName(job) : request.name;
    OllamaClient client(request.server, request.timeoutMs);
    qint64 reached = 0; // thousandths done, for a cancel asked while the server is busy
    client.setKeepGoing([&] { return !progress || progress(reached, 1000); });
    const Progress tracked = [&](qint64 done, qint64 total) {
        reached = total > 0 ? done * 1000 / total : reached;
        return !progress || progress(done, total);
    };

    step(Text::tr("Checking Ollama at %1…").arg(request.server.toString()));
    result.serverVersion = client.version();
    if (!ollamaVersionIsRecentEnough(result.serverVersion))
        throw Error(Error::Kind::Conflict,
                    Text::tr("Ollama %1 at %2 is too old to create models from uploaded files (0.5.5 or newer does). "
                             "Update Ollama, or use \"Copy commands\" to create the model with its command line.")
                        .arg(result.serverVersion, request.server.toString()));

    step(Text::tr("Writing the GGUF files…"));
    result.files = writeOllamaFiles(job, request.files, progressShare(tracked, 0, kExport));

    // Each file by its digest; uploaded only when the server does not have it yet.
    QJsonObject files, adapters;
    QStringList paths;
    for (const QString &path : {result.files.modelFile, result.files.adapterFile})
        if (!path.isEmpty())
            paths << path;
    for (int i = 0; i < paths.size(); ++i) {
        const QString name = QFileInfo(paths[i]).fileName();
        step(Text::tr("Checking %1…").arg(name));
        const QString digest =
            sha256Digest(paths[i], progressShare(tracked, kExport + kHash * i / paths.size(), kHash / paths.size()));
        if (!client.hasBlob(digest)) {
            step(Text::tr("Uploading %1…").arg(name));
            client.uploadBlob(
                paths[i], digest,
                progressShare(tracked, kExport + kHash + kUpload * i / paths.size(), kUpload / paths.size()));
            result.uploaded << paths[i];
        }
        (paths[i] == result.files.adapterFile ? adapters : files).insert(name, digest);
    }

    step(Text::tr("Creating %1 in Ollama…").arg(result.model));
    // As the Modelfile says: its template, system message, parameters, messages and license, and FROM as uploaded
    // (files) or as Ollama has it (from).
    QJsonObject create = result.files.created.createFields;
    create.insert(QStringLiteral("model"), result.model);
    if (files.isEmpty())
        create.insert(QStringLiteral("from"), result.files.created.from);
    else
        create.insert(QStringLiteral("files"), files);
    if (!adapters.isEmpty())
        create.insert(QStringLiteral("adapters"), adapters);
    try {
        client.create(create, [&](const QString &status, qint64, qint64) {
            step(Text::tr("Ollama: %1").arg(status));
            return tracked(kExport + kHash + kUpload, 1000);
        });
    } catch (const Error &error) {
        if (adapters.isEmpty() || error.kind() != Error::Kind::InvalidInput)
            throw;
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1\nThis Ollama does not take the model as base + adapter. Deploy the merged model "
                             "instead: it works with every Ollama version.")
                        .arg(error.message()));
    }

    // The same question of both, greedy and without a repetition penalty (Ollama's default is 1.1 over the last
    // 64 tokens, even at temperature 0), so that the answers can be compared.
    step(Text::tr("Asking %1 a test question…").arg(result.model));
    const QJsonArray messages{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), request.question}}};
    result.ollamaAnswer = client.chat(result.model, messages,
                                      QJsonObject{{QStringLiteral("temperature"), 0},
                                                  {QStringLiteral("seed"), 42},
                                                  {QStringLiteral("repeat_penalty"), 1},
                                                  {QStringLiteral("num_predict"), request.answerTokens}});
    if (progress && !progress(kExport + kHash + kUpload + kCreate, 1000))
        throw Error(Error::Kind::Cancelled,
                    Text::tr("Cancelled; the model %1 was created in Ollama.").arg(result.model));
    step(Text::tr("Asking the engine the same question…"));
    GenerationSettings greedy;
    greedy.temperature = 0;
    greedy.repetitionPenalty = 1;
    greedy.maxNewTokens = request.answerTokens;
    result.engineAnswer = LanguageModel::open(deployableModelFolder(job), {})
                              ->chat({{QStringLiteral("user"), request.question}}, greedy, {})
                              .text;
    if (progress)
        progress(1000, 1000);
    return result;
}

} // namespace mtm::core
