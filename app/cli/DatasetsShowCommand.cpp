#include "DatasetsShowCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "data/DatasetCatalog.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mtm::cli {

DatasetsShowCommand::DatasetsShowCommand()
    : ParsedCommand(QStringLiteral("show"), QStringLiteral("Show a dataset's details, report and first records"))
{
    setDescription(QStringLiteral("Shows a dataset's details, its validation report and its first records."));
    addPositional(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    setArgumentCount(1, 1);
    addOptions({m_records, m_json});
}

int DatasetsShowCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const core::DatasetCatalog &catalog = context.core().datasets();
    const core::DatasetInfo dataset = catalog.require(parser.positionalArguments().first());
    const auto sample = catalog.readRecords(dataset.id, 0, qMax(0, parser.value(m_records).toInt()));
    const core::ValidationReport report = catalog.loadReport(dataset.id);
    QTextStream &out = context.out;
    if (parser.isSet(m_json)) {
        QJsonObject object = dataset.toJson();
        object.insert(QStringLiteral("report"), report.toJson(100));
        QJsonArray array;
        for (const QJsonObject &record : sample)
            array.append(record);
        object.insert(QStringLiteral("first_records"), array);
        out << QJsonDocument(object).toJson(QJsonDocument::Indented);
        return Success;
    }
    const core::DatasetStatistics &stats = report.statistics;
    out << dataset.name << " (dataset " << dataset.id << ")\n"
        << "  file:       " << dataset.originalFileName << ", " << number(dataset.bytes) << " bytes, sha256 "
        << dataset.sha256 << '\n'
        << "  records:    " << number(dataset.recordCount) << " (" << dataset.schema << "), "
        << number(dataset.skippedCount) << " left out\n"
        << "  characters: min " << number(stats.minCharacters) << ", mean "
        << QString::number(stats.meanCharacters(), 'f', 1) << ", max " << number(stats.maxCharacters) << " per record\n"
        << "  folder:     " << dataset.directory << '\n';
    if (report.errorCount() + report.warningCount() > 0) {
        out << "Problems found at import:\n";
        printProblems(report, out, 10);
    }
    for (int i = 0; i < sample.size(); ++i)
        out << "Record " << i + 1 << ": " << QJsonDocument(sample[i]).toJson(QJsonDocument::Compact) << '\n';
    return Success;
}

} // namespace mtm::cli
