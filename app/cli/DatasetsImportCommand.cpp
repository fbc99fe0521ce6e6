#include "DatasetsImportCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "Error.h"
#include "ProgressLine.h"
#include "data/DatasetImporter.h"
#include "data/MappingChoice.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace mtm::cli {

DatasetsImportCommand::DatasetsImportCommand()
    : ParsedCommand(QStringLiteral("import"), QStringLiteral("Check and import a CSV, JSON or JSONL file"))
{
    setDescription(QStringLiteral("Checks every record of FILE (CSV, JSON or JSONL) and imports it. The record type is "
                                  "detected from the field names; when that is unsure, name it with --schema and map "
                                  "fields with --map."));
    addPositional(QStringLiteral("FILE"), QStringLiteral("The file to import."));
    setArgumentCount(1, 1);
    addOptions({m_name, m_schema, m_map, m_skipInvalid, m_dropDuplicates, m_maxChars, m_json});
}

int DatasetsImportCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const QString file = parser.positionalArguments().first();
    core::ImportOptions options;
    if (parser.isSet(m_maxChars)) {
        bool ok = false;
        options.maxFieldCharacters = parser.value(m_maxChars).toLongLong(&ok);
        if (!ok || options.maxFieldCharacters <= 0)
            return usageError(QStringLiteral("--max-chars needs a positive number."), context);
    }
    if (parser.isSet(m_map) && !parser.isSet(m_schema))
        return usageError(QStringLiteral("--map needs --schema too."), context);
    if (parser.isSet(m_schema)) {
        try {
            options.mapping = core::MappingChoice::parse(parser.value(m_schema), parser.values(m_map));
        } catch (const core::Error &error) {
            return usageError(error.message(), context);
        }
        if (const std::string missing = options.mapping->missingRoles(); !missing.empty())
            return usageError(QStringLiteral("the %1 schema needs --map for: %2.")
                                  .arg(parser.value(m_schema), QString::fromStdString(missing)),
                              context);
    }

    core::DatasetImporter &importer = context.core().importer();
    std::shared_ptr<core::PreparedImport> prepared;
    {
        ProgressLine progress(QStringLiteral("Checking %1").arg(QFileInfo(file).fileName()));
        prepared = importer.prepare(file, options, [&](qint64 done, qint64 total) {
            progress.update(done, total);
            return true;
        });
    }
    const core::ValidationReport &report = prepared->report;
    const bool json = parser.isSet(m_json);
    QTextStream &out = context.out;
    QTextStream &err = context.err;
    QString text; // what people read; with --json, the JSON instead
    QTextStream human(&text);
    // Refused: why, on standard error; with --json also the REST API's 422 body on standard output.
    const auto refuse = [&](const QString &why) {
        if (json)
            out << QJsonDocument(
                       QJsonObject{{QStringLiteral("error"), why}, {QStringLiteral("validation"), report.toJson()}})
                       .toJson(QJsonDocument::Indented);
        else
            out << text;
        err << "mtm datasets import: " << why << '\n';
        return Failure;
    };
    human << "Read " << report.fileName << ": " << report.container.toUpper() << ", " << report.encoding << ".\n";
    for (const QString &note : report.notes)
        human << "  " << note << '\n';
    human << "Records: " << QString::fromStdString(schemaTitle(prepared->detection.mapping.schema)) << " ("
          << report.mapping << ").\n";
    if (!prepared->detection.confident) {
        QString fields;
        for (std::size_t i = 0; i < prepared->fieldNames.size(); ++i)
            fields += (i ? QStringLiteral(", ") : QString()) + QString::fromStdString(prepared->fieldNames[i]);
        return refuse(QStringLiteral("cannot tell what the fields mean: %1.\nThe fields are: %2.\nRun again with "
                                     "--schema and --map, e.g. --schema prompt_completion --map prompt=FIELD "
                                     "--map completion=FIELD.")
                          .arg(QString::fromStdString(prepared->detection.explanation), fields));
    }
    human << count(report.recordsRead, QStringLiteral("record")) << " read: " << number(report.validRecords)
          << " valid, " << number(report.invalidRecords) << " with problems, "
          << count(report.duplicateRecords, QStringLiteral("duplicate")) << ".\n";
    if (report.errorCount() + report.warningCount() > 0)
        printProblems(report, human, 20);
    human.flush();
    if (report.errorCount() > 0 && !parser.isSet(m_skipInvalid))
        return refuse(QStringLiteral("%1 has problems (listed %2); nothing was imported. Fix the file, or run again "
                                     "with --skip-invalid to import the %3.")
                          .arg(report.fileName, json ? QStringLiteral("in \"validation\"") : QStringLiteral("above"),
                               count(report.validRecords, QStringLiteral("valid record"))));
    const core::DatasetInfo stored =
        importer.commit(*prepared, parser.isSet(m_name) ? parser.value(m_name) : prepared->suggestedName(),
                        parser.isSet(m_dropDuplicates));
    if (json) {
        out << QJsonDocument(stored.toJson(report)).toJson(QJsonDocument::Indented);
        return Success;
    }
    out << text << "Imported '" << stored.name << "' as dataset " << stored.id << ": "
        << count(stored.recordCount, QStringLiteral("record")) << ".\n";
    return Success;
}

} // namespace mtm::cli
