#include "model/ModelExport.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/export/GgufExport.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>

#include <functional>
#include <optional>
#include <vector>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ModelExport)
};

} // namespace

QStringList ggufFileTypes()
{
    return {QStringLiteral("f16"),    QStringLiteral("q8_0"), QStringLiteral("q4_k_m"),
            QStringLiteral("q5_k_m"), QStringLiteral("bf16"), QStringLiteral("f32")};
}

namespace {

// A request checked, with the model and adapter folders and the file type it comes to.
struct CheckedExport
{
    QString model;
    QString adapter;
    std::optional<engine::GgufFileType> type;
};

CheckedExport checked(const GgufExportRequest &request)
{
    const bool ownAdapter = request.adapter.isEmpty() && isAdapterFolder(request.model);
    CheckedExport result;
    result.adapter = ownAdapter ? request.model : request.adapter;
    result.model = ownAdapter ? adapterBaseFolder(result.adapter) : request.model;
    const QString &adapter = result.adapter;
    if (request.gguf.isEmpty() && request.adapterGguf.isEmpty())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("Say where to write the GGUF model, the GGUF adapter or both."));
    if (adapter.isEmpty() && (request.merge || !request.adapterGguf.isEmpty()))
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("There is no LoRA adapter to %1: give an adapter folder (a job's qlora_model or "
                             "lora_model).")
                        .arg(request.merge ? Text::tr("merge") : Text::tr("write")));
    if (!adapter.isEmpty() && !request.gguf.isEmpty() && !request.merge && request.adapterGguf.isEmpty())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("The model file would leave the adapter %1 out: merge the adapter into it, or write "
                             "the adapter as its own GGUF file beside it.")
                        .arg(adapter));
    result.type = engine::ggufFileTypeFromName(request.type.toStdString());
    if (!request.gguf.isEmpty() && !result.type)
        throw Error(Error::Kind::InvalidInput, Text::tr("'%1' is not a GGUF file type; choose one of: %2.")
                                                   .arg(request.type, ggufFileTypes().join(QStringLiteral(", "))));
    return result;
}

} // namespace

GgufExportSizes ggufExportSizes(const GgufExportRequest &request)
{
    const CheckedExport checkedRequest = checked(request);
    GgufExportSizes sizes;
    callEngine([&] {
        if (!request.gguf.isEmpty())
            sizes.model = qint64(engine::ggufFileSize(checkedRequest.model.toStdString(), request.gguf.toStdString(),
                                                      *checkedRequest.type));
        if (!request.adapterGguf.isEmpty())
            sizes.adapter = qint64(engine::ggufAdapterFileSize(checkedRequest.adapter.toStdString(),
                                                               checkedRequest.model.toStdString(),
                                                               request.adapterGguf.toStdString()));
    });
    return sizes;
}

void exportToGguf(const GgufExportRequest &request, const Progress &progress)
{
    const CheckedExport checkedRequest = checked(request);
    const QString &model = checkedRequest.model, &adapter = checkedRequest.adapter;
    const auto &fileType = checkedRequest.type;

    // Each file a share of the whole, so that one bar with one time left covers them all.
    std::vector<std::function<void(const engine::EngineProgress &)>> files;
    if (!request.gguf.isEmpty())
        files.emplace_back([&](const engine::EngineProgress &fileProgress) {
            engine::exportGguf(model.toStdString(), request.gguf.toStdString(), *fileType, fileProgress,
                               request.merge ? adapter.toStdString() : std::string());
        });
    if (!request.adapterGguf.isEmpty())
        files.emplace_back([&](const engine::EngineProgress &fileProgress) {
            engine::exportGgufAdapter(adapter.toStdString(), model.toStdString(), request.adapterGguf.toStdString(),
                                      fileProgress);
        });
    for (std::size_t i = 0; i < files.size(); ++i) {
        const Progress share = progressShare(progress, qint64(i) * 1000, 1000, qint64(files.size()) * 1000);
        callEngine([&] { files[i]([&](std::int64_t done, std::int64_t total) { return share(done, total); }); });
    }
}

} // namespace mtm::core
