#include "DatasetsExportCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "ProgressLine.h"
#include "data/DatasetCatalog.h"

namespace mtm::cli {

DatasetsExportCommand::DatasetsExportCommand()
    : ParsedCommand(QStringLiteral("export"), QStringLiteral("Write a dataset's normalised records as JSON Lines"))
{
    setDescription(QStringLiteral("Writes a dataset's normalised records to FILE as JSON Lines."));
    addPositional(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    addPositional(QStringLiteral("FILE"), QStringLiteral("Where to write (replaced if it exists)."));
    setArgumentCount(2, 2);
}

int DatasetsExportCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const core::DatasetCatalog &catalog = context.core().datasets();
    const core::DatasetInfo dataset = catalog.require(parser.positionalArguments().at(0));
    const QString target = parser.positionalArguments().at(1);
    {
        ProgressLine progress(QStringLiteral("Exporting %1").arg(dataset.name));
        catalog.exportJsonl(dataset.id, target, [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return true;
        });
    }
    context.out << "Wrote " << count(dataset.recordCount, QStringLiteral("record")) << " to " << target << ".\n";
    return Success;
}

} // namespace mtm::cli
