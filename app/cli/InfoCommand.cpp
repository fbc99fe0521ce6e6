#include "InfoCommand.h"

#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "system/CpuThreads.h"
#include "system/SystemInfo.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>

namespace mtm::cli {
namespace {

QString describeDatabase(const core::Store::Inspection &database)
{
    if (!database.exists)
        return QStringLiteral("not created yet (the app creates it on first start)");
    if (!database.readable)
        return database.problem;
    return QStringLiteral("schema %1, %2 KiB").arg(database.schemaVersion).arg((database.bytes + 1023) / 1024);
}

} // namespace

int InfoCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(summary());
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object instead of text."));
    parser.addOption(help);
    parser.addOption(json);
    if (!parser.parse(arguments)) {
        streams.err << "mtm info: " << parser.errorText() << '\n';
        return UsageError;
    }
    if (parser.isSet(help)) {
        streams.out << parser.helpText();
        return Success;
    }
    if (!parser.positionalArguments().isEmpty()) {
        streams.err << "mtm info: unexpected argument '" << parser.positionalArguments().first() << "'\n";
        return UsageError;
    }

    core::AppSettings settings;
    core::applyCpuThreads(settings.cpuThreads());
    const core::SystemInfo system = core::SystemInfo::collect();
    const core::DataDirectory dataDirectory = core::DataDirectory::resolve(settings);
    const core::Store::Inspection database = core::Store::inspect(dataDirectory.databaseFile());

    if (parser.isSet(json)) {
        QJsonObject object = system.toJson();
        object.insert(QStringLiteral("data_directory"), dataDirectory.path());
        object.insert(QStringLiteral("data_directory_source"), dataDirectory.sourceDescription());
        object.insert(QStringLiteral("database"), dataDirectory.databaseFile());
        object.insert(QStringLiteral("database_exists"), database.exists);
        object.insert(QStringLiteral("database_schema"), database.schemaVersion);
        object.insert(QStringLiteral("settings_file"), settings.filePath());
        streams.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
        return Success;
    }

    auto rows = system.rows();
    rows.append({QStringLiteral("Data directory"),
                 QStringLiteral("%1 (%2)").arg(dataDirectory.path(), dataDirectory.sourceDescription())});
    rows.append({QStringLiteral("Database"),
                 QStringLiteral("%1: %2").arg(dataDirectory.databaseFile(), describeDatabase(database))});
    rows.append({QStringLiteral("Settings file"), settings.filePath()});
    int width = 0;
    for (const auto &row : rows)
        width = qMax(width, int(row.first.size()));
    for (const auto &row : rows)
        streams.out << row.first.leftJustified(width + 2) << row.second << '\n';
    return Success;
}

} // namespace mtm::cli
