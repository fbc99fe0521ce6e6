#include "model/ModelExport.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/export/GgufExport.h"

#include <QCoreApplication>

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

void exportModelToGguf(const QString &folder, const QString &path, const QString &type, const Progress &progress)
{
    const auto fileType = engine::ggufFileTypeFromName(type.toStdString());
    if (!fileType)
        throw Error(Error::Kind::InvalidInput, Text::tr("'%1' is not a GGUF file type; choose one of: %2.")
                                                   .arg(type, ggufFileTypes().join(QStringLiteral(", "))));
    callEngine([&] {
        engine::exportGguf(folder.toStdString(), path.toStdString(), *fileType,
                           [&](std::int64_t done, std::int64_t total) { return !progress || progress(done, total); });
    });
}

} // namespace mtm::core
