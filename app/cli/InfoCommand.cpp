#include "InfoCommand.h"

#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "system/CpuThreads.h"
#include "system/SystemInfo.h"

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

InfoCommand::InfoCommand()
    : ParsedCommand(QStringLiteral("info"), QStringLiteral("Show versions, compute devices and where data is kept"))
{
    addOptions({m_json});
}

int InfoCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    // Only looks: neither the data directory nor the database is created here.
    core::AppSettings settings;
    core::applyCpuThreads(settings.cpuThreads());
    const core::SystemInfo system = core::SystemInfo::collect();
    const core::DataDirectory dataDirectory = core::DataDirectory::resolve(settings);
    const core::Store::Inspection database = core::Store::inspect(dataDirectory.databaseFile());

    if (parser.isSet(m_json)) {
        QJsonObject object = system.toJson();
        object.insert(QStringLiteral("data_directory"), dataDirectory.path());
        object.insert(QStringLiteral("data_directory_source"), dataDirectory.sourceDescription());
        object.insert(QStringLiteral("database"), dataDirectory.databaseFile());
        object.insert(QStringLiteral("database_exists"), database.exists);
        object.insert(QStringLiteral("database_schema"), database.schemaVersion);
        object.insert(QStringLiteral("settings_file"), settings.filePath());
        context.out << QJsonDocument(object).toJson(QJsonDocument::Indented);
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
        context.out << row.first.leftJustified(width + 2) << row.second << '\n';
    return Success;
}

} // namespace mtm::cli
