#include "DatasetsDeleteCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "data/DatasetCatalog.h"

#include <unistd.h>

#include <iostream>

namespace mtm::cli {

DatasetsDeleteCommand::DatasetsDeleteCommand()
    : ParsedCommand(QStringLiteral("delete"), QStringLiteral("Delete a dataset and its files"))
{
    setDescription(QStringLiteral("Deletes a dataset: its row and its folder."));
    addPositional(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    setArgumentCount(1, 1);
    addOptions({m_yes});
}

int DatasetsDeleteCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    core::DatasetCatalog &catalog = context.core().datasets();
    const core::DatasetInfo dataset = catalog.require(parser.positionalArguments().first());
    if (!parser.isSet(m_yes)) {
        if (!isatty(STDIN_FILENO)) {
            context.err << "mtm datasets delete: pass --yes to delete '" << dataset.name << "' without asking.\n";
            return Failure;
        }
        context.out << "Delete dataset '" << dataset.name << "' (" << number(dataset.recordCount)
                    << " records) and its files? [y/N] ";
        context.out.flush();
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            context.out << "Nothing was deleted.\n";
            return Failure;
        }
    }
    catalog.remove(dataset.id);
    context.out << "Deleted dataset " << dataset.id << " ('" << dataset.name << "').\n";
    return Success;
}

} // namespace mtm::cli
