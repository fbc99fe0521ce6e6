#include "data/SampleDataset.h"

#include "Error.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "settings/AppSettings.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace mtm::core {

QString sampleDatasetName()
{
    return QStringLiteral("Starter examples");
}

std::optional<DatasetInfo> importSampleDatasetOnFirstStart(DatasetCatalog &catalog, AppSettings &settings,
                                                           const QString &sampleFile)
{
    if (settings.sampleDatasetImported())
        return std::nullopt;
    settings.setSampleDatasetImported(true);
    settings.sync();
    if (catalog.count() > 0)
        return std::nullopt;

    // The importer reads plain files; a resource is copied out first.
    QTemporaryDir scratch;
    const QString copy = scratch.filePath(QFileInfo(sampleFile).fileName());
    if (!scratch.isValid() || !QFile::copy(sampleFile, copy))
        throw Error(QStringLiteral("Cannot read the sample dataset %1.").arg(sampleFile));
    DatasetImporter importer(catalog);
    const auto prepared = importer.prepare(copy, {});
    if (prepared->report.errorCount() > 0)
        throw Error(QStringLiteral("The sample dataset has problems: %1")
                        .arg(prepared->report.problems().constFirst().describe(prepared->report.fileName)));
    return importer.commit(*prepared, sampleDatasetName(), false);
}

} // namespace mtm::core
