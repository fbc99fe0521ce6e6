#include "data/SampleDataset.h"

#include "AppCore.h"
#include "Error.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "settings/AppSettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SampleDataset)
};

DatasetInfo importSample(const AppCore &core)
{
    // The importer reads plain files; a resource is copied out first.
    const QString sampleFile = core.resources().sampleDataset;
    QTemporaryDir scratch;
    const QString copy = scratch.filePath(QFileInfo(sampleFile).fileName());
    if (!scratch.isValid() || !QFile::copy(sampleFile, copy))
        throw Error(Error::Kind::Io, Text::tr("Cannot read the sample dataset %1.").arg(sampleFile));
    DatasetImporter &importer = core.importer();
    const auto prepared = importer.prepare(copy, {});
    if (prepared->report.errorCount() > 0)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("The sample dataset has problems: %1")
                        .arg(prepared->report.problems().constFirst().describe(prepared->report.fileName)));
    return importer.commit(*prepared, sampleDatasetName(), false);
}

} // namespace

QString sampleDatasetName()
{
    return QStringLiteral("Starter examples");
}

std::optional<DatasetInfo> importSampleDatasetOnFirstStart(AppCore &core)
{
    AppSettings &settings = core.settings();
    if (settings.sampleDatasetImported())
        return std::nullopt;
    settings.setSampleDatasetImported(true);
    settings.sync();
    if (core.datasets().count() > 0)
        return std::nullopt;
    return importSample(core);
}

void provideSampleDataset(const AppCore &core, const QString &datasetRef)
{
    if (datasetRef.compare(sampleDatasetName(), Qt::CaseInsensitive) == 0 &&
        !core.datasets().findByIdOrName(datasetRef))
        importSample(core);
}

} // namespace mtm::core
