#include "DatasetsListCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "data/DatasetCatalog.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mtm::cli {

DatasetsListCommand::DatasetsListCommand()
    : ParsedCommand(QStringLiteral("list"), QStringLiteral("List the datasets"))
{
    setDescription(QStringLiteral("Lists the datasets, newest first."));
    addOptions({m_json});
}

int DatasetsListCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto datasets = context.core().datasets().list();
    if (parser.isSet(m_json)) {
        QJsonArray array;
        for (const auto &dataset : datasets)
            array.append(dataset.toJson());
        context.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    if (datasets.isEmpty()) {
        context.out << "No datasets yet. Import one with: mtm datasets import FILE\n";
        return Success;
    }
    context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(QStringLiteral("ID"), 4)
                       .arg(QStringLiteral("NAME"), -30)
                       .arg(QStringLiteral("SCHEMA"), -17)
                       .arg(QStringLiteral("RECORDS"), 10)
                       .arg(QStringLiteral("IMPORTED"));
    for (const auto &dataset : datasets) {
        context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                           .arg(dataset.id, 4)
                           .arg(dataset.name.left(30), -30)
                           .arg(dataset.schema, -17)
                           .arg(number(dataset.recordCount), 10)
                           .arg(dataset.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }
    return Success;
}

} // namespace mtm::cli
