#include "DatasetsCommand.h"

#include "CliEnvironment.h"
#include "CliParsing.h"
#include "Error.h"
#include "ProgressLine.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace mtm::cli {
namespace {

const char kUsage[] = "Usage: mtm datasets <command> [options]\n\n"
                      "Commands:\n"
                      "  import FILE      Check and import a CSV, JSON or JSONL file\n"
                      "  list             List the datasets\n"
                      "  show DATASET     Show a dataset's details, report and first records\n"
                      "  export DATASET FILE  Write a dataset's normalised records as JSON Lines\n"
                      "  rename DATASET NAME  Give a dataset another name\n"
                      "  delete DATASET   Delete a dataset and its files\n\n"
                      "DATASET is an id or a name. 'mtm datasets <command> --help' shows a command's options.\n";

QString number(qint64 value)
{
    return QLocale(QLocale::English).toString(value);
}

// "1 record", "2 records"
QString count(qint64 value, const QString &noun)
{
    return number(value) + QLatin1Char(' ') + noun + (value == 1 ? QString() : QStringLiteral("s"));
}

core::DatasetInfo requireDataset(const core::DatasetCatalog &catalog, const QString &idOrName)
{
    const std::optional<core::DatasetInfo> found = catalog.findByIdOrName(idOrName);
    if (!found)
        throw core::Error(QStringLiteral("There is no dataset '%1'. 'mtm datasets list' shows them.").arg(idOrName));
    return *found;
}

QJsonObject toJson(const core::DatasetInfo &dataset)
{
    return QJsonObject{{QStringLiteral("id"), dataset.id},
                       {QStringLiteral("name"), dataset.name},
                       {QStringLiteral("original_file_name"), dataset.originalFileName},
                       {QStringLiteral("container"), dataset.container},
                       {QStringLiteral("schema"), dataset.schema},
                       {QStringLiteral("records"), dataset.recordCount},
                       {QStringLiteral("skipped"), dataset.skippedCount},
                       {QStringLiteral("bytes"), dataset.bytes},
                       {QStringLiteral("sha256"), dataset.sha256},
                       {QStringLiteral("directory"), dataset.directory},
                       {QStringLiteral("created_at"), dataset.createdAt.toString(Qt::ISODate)}};
}

void printProblems(const core::ValidationReport &report, QTextStream &stream, int limit)
{
    int shown = 0;
    for (const core::ImportProblem &problem : report.problems()) {
        if (shown++ == limit)
            break;
        stream << (problem.severity == core::ImportProblem::Severity::Error ? "  error: " : "  warning: ")
               << problem.describe(report.fileName) << '\n';
    }
    const qint64 more = report.errorCount() + report.warningCount() - shown;
    if (more > 0)
        stream << "  … and " << number(more) << " more\n";
}

} // namespace

int DatasetsCommand::run(const QStringList &arguments, CliStreams streams)
{
    const QString sub = arguments.value(1);
    QStringList rest = arguments.mid(2);
    rest.prepend(QStringLiteral("mtm datasets ") + sub);
    if (sub == QLatin1String("import"))
        return importFile(rest, streams);
    if (sub == QLatin1String("list"))
        return list(rest, streams);
    if (sub == QLatin1String("show"))
        return show(rest, streams);
    if (sub == QLatin1String("export"))
        return exportRecords(rest, streams);
    if (sub == QLatin1String("rename"))
        return rename(rest, streams);
    if (sub == QLatin1String("delete"))
        return remove(rest, streams);
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        (sub.isEmpty() ? streams.err : streams.out) << kUsage;
        return sub.isEmpty() ? UsageError : Success;
    }
    streams.err << "mtm datasets: unknown command '" << sub << "'.\n\n" << kUsage;
    return UsageError;
}

int DatasetsCommand::importFile(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks every record of FILE (CSV, JSON or JSONL) and imports it. The record type is detected from the "
        "field names; when that is unsure, name it with --schema and map fields with --map."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The file to import."));
    const QCommandLineOption name(
        QStringLiteral("name"), QStringLiteral("The dataset's name (default: the file name)."), QStringLiteral("NAME"));
    const QCommandLineOption schema(
        QStringLiteral("schema"),
        QStringLiteral("The record type: alpaca, prompt_completion, chat, text or documents."),
        QStringLiteral("SCHEMA"));
    const QCommandLineOption map(
        QStringLiteral("map"),
        QStringLiteral("Which field plays which part, e.g. --map prompt=question (repeatable). "
                       "Parts: instruction, input, output, system, prompt, completion, "
                       "messages, text, title, source."),
        QStringLiteral("PART=FIELD"));
    const QCommandLineOption skipInvalid(QStringLiteral("skip-invalid"),
                                         QStringLiteral("Import the valid records even when others have problems."));
    const QCommandLineOption dropDuplicates(QStringLiteral("drop-duplicates"),
                                            QStringLiteral("Leave out records that repeat an earlier one."));
    const QCommandLineOption maxChars(QStringLiteral("max-chars"),
                                      QStringLiteral("The longest text accepted in one field (default 1000000)."),
                                      QStringLiteral("N"));
    for (const auto &option : {name, schema, map, skipInvalid, dropDuplicates, maxChars})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 1, 1))
        return *status;
    const QString file = parser.positionalArguments().first();

    core::ImportOptions options;
    if (parser.isSet(maxChars)) {
        bool ok = false;
        options.maxFieldCharacters = parser.value(maxChars).toLongLong(&ok);
        if (!ok || options.maxFieldCharacters <= 0) {
            streams.err << "mtm datasets import: --max-chars needs a positive number.\n";
            return UsageError;
        }
    }
    if (parser.isSet(schema) || parser.isSet(map)) {
        if (!parser.isSet(schema)) {
            streams.err << "mtm datasets import: --map needs --schema too.\n";
            return UsageError;
        }
        const auto chosen = core::schemaFromId(parser.value(schema).toStdString());
        if (!chosen) {
            streams.err << "mtm datasets import: unknown schema '" << parser.value(schema)
                        << "'; use alpaca, prompt_completion, chat, text or documents.\n";
            return UsageError;
        }
        core::FieldMapping mapping{*chosen, {}};
        for (const QString &pair : parser.values(map)) {
            const int equals = int(pair.indexOf(QLatin1Char('=')));
            const auto role = core::roleFromId(pair.left(equals).trimmed().toStdString());
            if (equals <= 0 || !role) {
                streams.err << "mtm datasets import: --map " << pair << " is not PART=FIELD with a known part.\n";
                return UsageError;
            }
            mapping.fields[*role] = pair.mid(equals + 1).trimmed().toStdString();
        }
        if (!mapping.missingRoles().empty()) {
            streams.err << "mtm datasets import: the " << QString::fromStdString(schemaId(*chosen))
                        << " schema needs --map for: " << QString::fromStdString(mapping.missingRoles()) << ".\n";
            return UsageError;
        }
        options.mapping = mapping;
    }

    CliEnvironment environment;
    core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    core::DatasetImporter importer(catalog);
    std::shared_ptr<core::PreparedImport> prepared;
    {
        ProgressLine progress(QStringLiteral("Checking %1").arg(QFileInfo(file).fileName()));
        prepared = importer.prepare(file, options, [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return true;
        });
    }
    const core::ValidationReport &report = prepared->report;
    streams.out << "Read " << report.fileName << ": " << report.container.toUpper() << ", " << report.encoding << ".\n";
    for (const QString &note : report.notes)
        streams.out << "  " << note << '\n';
    streams.out << "Records: " << QString::fromStdString(schemaTitle(prepared->detection.mapping.schema)) << " ("
                << report.mapping << ").\n";
    if (!prepared->detection.confident) {
        streams.err << "mtm datasets import: cannot tell what the fields mean: "
                    << QString::fromStdString(prepared->detection.explanation) << ".\n"
                    << "The fields are: ";
        for (std::size_t i = 0; i < prepared->fieldNames.size(); ++i)
            streams.err << (i ? ", " : "") << QString::fromStdString(prepared->fieldNames[i]);
        streams.err << ".\nRun again with --schema and --map, e.g. --schema prompt_completion --map prompt=FIELD "
                       "--map completion=FIELD.\n";
        return Failure;
    }
    streams.out << count(report.recordsRead, QStringLiteral("record")) << " read: " << number(report.validRecords)
                << " valid, " << number(report.invalidRecords) << " with problems, "
                << count(report.duplicateRecords, QStringLiteral("duplicate")) << ".\n";
    if (report.errorCount() + report.warningCount() > 0)
        printProblems(report, streams.out, 20);
    if (report.errorCount() > 0 && !parser.isSet(skipInvalid)) {
        streams.err << "mtm datasets import: " << report.fileName << " has problems (listed above); nothing was "
                    << "imported. Fix the file, or run again with --skip-invalid to import the "
                    << count(report.validRecords, QStringLiteral("valid record")) << ".\n";
        return Failure;
    }
    const core::DatasetInfo stored = importer.commit(
        *prepared, parser.isSet(name) ? parser.value(name) : prepared->suggestedName(), parser.isSet(dropDuplicates));
    streams.out << "Imported '" << stored.name << "' as dataset " << stored.id << ": "
                << count(stored.recordCount, QStringLiteral("record")) << ".\n";
    return Success;
}

int DatasetsCommand::list(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists the datasets, newest first."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(json);
    if (const auto status = parseCommandLine(parser, arguments, streams, 0, 0))
        return *status;
    CliEnvironment environment;
    const core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const auto datasets = catalog.list();
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const auto &dataset : datasets)
            array.append(toJson(dataset));
        streams.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Success;
    }
    if (datasets.isEmpty()) {
        streams.out << "No datasets yet. Import one with: mtm datasets import FILE\n";
        return Success;
    }
    streams.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(QStringLiteral("ID"), 4)
                       .arg(QStringLiteral("NAME"), -30)
                       .arg(QStringLiteral("SCHEMA"), -17)
                       .arg(QStringLiteral("RECORDS"), 10)
                       .arg(QStringLiteral("IMPORTED"));
    for (const auto &dataset : datasets) {
        streams.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                           .arg(dataset.id, 4)
                           .arg(dataset.name.left(30), -30)
                           .arg(dataset.schema, -17)
                           .arg(number(dataset.recordCount), 10)
                           .arg(dataset.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }
    return Success;
}

int DatasetsCommand::show(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Shows a dataset's details, its validation report and its first records."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    const QCommandLineOption records(QStringLiteral("records"),
                                     QStringLiteral("How many records to print (default 3)."), QStringLiteral("N"),
                                     QStringLiteral("3"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(records);
    parser.addOption(json);
    if (const auto status = parseCommandLine(parser, arguments, streams, 1, 1))
        return *status;
    CliEnvironment environment;
    const core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const core::DatasetInfo dataset = requireDataset(catalog, parser.positionalArguments().first());
    const auto sample = catalog.readRecords(dataset.id, 0, qMax(0, parser.value(records).toInt()));
    const core::ValidationReport report = catalog.loadReport(dataset.id);
    if (parser.isSet(json)) {
        QJsonObject object = toJson(dataset);
        object.insert(QStringLiteral("report"), report.toJson(100));
        QJsonArray array;
        for (const QJsonObject &record : sample)
            array.append(record);
        object.insert(QStringLiteral("first_records"), array);
        streams.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
        return Success;
    }
    const core::DatasetStatistics &stats = report.statistics;
    streams.out << dataset.name << " (dataset " << dataset.id << ")\n"
                << "  file:       " << dataset.originalFileName << ", " << number(dataset.bytes) << " bytes, sha256 "
                << dataset.sha256 << '\n'
                << "  records:    " << number(dataset.recordCount) << " (" << dataset.schema << "), "
                << number(dataset.skippedCount) << " left out\n"
                << "  characters: min " << number(stats.minCharacters) << ", mean "
                << QString::number(stats.meanCharacters(), 'f', 1) << ", max " << number(stats.maxCharacters)
                << " per record\n"
                << "  folder:     " << dataset.directory << '\n';
    if (report.errorCount() + report.warningCount() > 0) {
        streams.out << "Problems found at import:\n";
        printProblems(report, streams.out, 10);
    }
    for (int i = 0; i < sample.size(); ++i)
        streams.out << "Record " << i + 1 << ": " << QJsonDocument(sample[i]).toJson(QJsonDocument::Compact) << '\n';
    return Success;
}

int DatasetsCommand::exportRecords(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Writes a dataset's normalised records to FILE as JSON Lines."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Where to write (replaced if it exists)."));
    if (const auto status = parseCommandLine(parser, arguments, streams, 2, 2))
        return *status;
    CliEnvironment environment;
    const core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const core::DatasetInfo dataset = requireDataset(catalog, parser.positionalArguments().at(0));
    catalog.exportJsonl(dataset.id, parser.positionalArguments().at(1));
    streams.out << "Wrote " << count(dataset.recordCount, QStringLiteral("record")) << " to "
                << parser.positionalArguments().at(1) << ".\n";
    return Success;
}

int DatasetsCommand::rename(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Gives a dataset another name."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The new name."));
    if (const auto status = parseCommandLine(parser, arguments, streams, 2, 2))
        return *status;
    CliEnvironment environment;
    core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const core::DatasetInfo dataset = requireDataset(catalog, parser.positionalArguments().at(0));
    catalog.rename(dataset.id, parser.positionalArguments().at(1));
    streams.out << "Renamed dataset " << dataset.id << " to '" << parser.positionalArguments().at(1).trimmed()
                << "'.\n";
    return Success;
}

int DatasetsCommand::remove(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Deletes a dataset: its row and its folder."));
    parser.addPositionalArgument(QStringLiteral("DATASET"), QStringLiteral("Id or name."));
    const QCommandLineOption yes({QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("Do not ask."));
    parser.addOption(yes);
    if (const auto status = parseCommandLine(parser, arguments, streams, 1, 1))
        return *status;
    CliEnvironment environment;
    core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const core::DatasetInfo dataset = requireDataset(catalog, parser.positionalArguments().first());
    if (!parser.isSet(yes)) {
        if (!isatty(STDIN_FILENO)) {
            streams.err << "mtm datasets delete: pass --yes to delete '" << dataset.name << "' without asking.\n";
            return Failure;
        }
        streams.out << "Delete dataset '" << dataset.name << "' (" << number(dataset.recordCount)
                    << " records) and its files? [y/N] ";
        streams.out.flush();
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            streams.out << "Nothing was deleted.\n";
            return Failure;
        }
    }
    catalog.remove(dataset.id);
    streams.out << "Deleted dataset " << dataset.id << " ('" << dataset.name << "').\n";
    return Success;
}

} // namespace mtm::cli
