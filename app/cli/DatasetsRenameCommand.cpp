#include "DatasetsRenameCommand.h"

#include "AppCore.h"
#include "data/DatasetCatalog.h"

namespace mtm::cli {

DatasetsRenameCommand::DatasetsRenameCommand()
    : ParsedCommand(QStringLiteral("rename"), QStringLiteral("Give a dataset another name"))
{
    addPositional(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    addPositional(QStringLiteral("NAME"), QStringLiteral("The new name."));
    setArgumentCount(2, 2);
}

int DatasetsRenameCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    core::DatasetCatalog &catalog = context.core().datasets();
    const core::DatasetInfo dataset = catalog.require(parser.positionalArguments().at(0));
    catalog.rename(dataset.id, parser.positionalArguments().at(1));
    context.out << "Renamed dataset " << dataset.id << " to '" << parser.positionalArguments().at(1).trimmed()
                << "'.\n";
    return Success;
}

} // namespace mtm::cli
