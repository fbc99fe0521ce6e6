#include "data/DatasetCatalog.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/io/DurableFiles.h"
#include "settings/DataDirectory.h"
#include "store/RowWithFolder.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "store/WriteTransaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlQuery>
#include <QUuid>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DatasetCatalog)
};

const char kSelect[] = "SELECT id, name, original_file_name, container, record_schema, record_count, skipped_count, "
                       "bytes, sha256, storage_dir, created_at, report_json FROM datasets";

DatasetInfo readRow(const QSqlQuery &query, const QString &datasetsDirectory)
{
    DatasetInfo info;
    info.id = query.value(0).toLongLong();
    info.name = query.value(1).toString();
    info.originalFileName = query.value(2).toString();
    info.container = query.value(3).toString();
    info.schema = query.value(4).toString();
    info.recordCount = query.value(5).toLongLong();
    info.skippedCount = query.value(6).toLongLong();
    info.bytes = query.value(7).toLongLong();
    info.sha256 = query.value(8).toString();
    // storage_dir is relative to the data directory, so that the data directory can move.
    info.directory = QDir::cleanPath(datasetsDirectory + QStringLiteral("/../") + query.value(9).toString());
    info.createdAt = QDateTime::fromString(query.value(10).toString(), Qt::ISODateWithMs);
    info.reportSummary = QJsonDocument::fromJson(query.value(11).toString().toUtf8()).object();
    return info;
}

} // namespace

DatasetCatalog::DatasetCatalog(Store &store, const DataDirectory &dataDirectory)
    : m_store(store)
    , m_datasetsDirectory(dataDirectory.datasetsDirectory())
{}

QVector<DatasetInfo> DatasetCatalog::list() const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QLatin1String(kSelect) + QStringLiteral(" ORDER BY id DESC"));
    execPrepared(query);
    QVector<DatasetInfo> datasets;
    while (query.next())
        datasets.append(readRow(query, m_datasetsDirectory));
    return datasets;
}

std::optional<DatasetInfo> DatasetCatalog::find(qint64 id) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QLatin1String(kSelect) + QStringLiteral(" WHERE id = ?"));
    query.addBindValue(id);
    execPrepared(query);
    if (!query.next())
        return std::nullopt;
    return readRow(query, m_datasetsDirectory);
}

std::optional<DatasetInfo> DatasetCatalog::findByIdOrName(const QString &idOrName) const
{
    bool isNumber = false;
    const qint64 id = idOrName.toLongLong(&isNumber);
    if (isNumber)
        return find(id);
    QSqlQuery query(m_store.connection());
    query.prepare(QLatin1String(kSelect) + QStringLiteral(" WHERE lower(name) = lower(?)"));
    query.addBindValue(idOrName.trimmed());
    execPrepared(query);
    if (!query.next())
        return std::nullopt;
    return readRow(query, m_datasetsDirectory);
}

qint64 DatasetCatalog::count() const
{
    return queryScalar(m_store.connection(), QStringLiteral("SELECT count(*) FROM datasets")).toLongLong();
}

DatasetInfo DatasetCatalog::require(qint64 id) const
{
    const std::optional<DatasetInfo> found = find(id);
    if (!found)
        throw Error(Error::Kind::NotFound, Text::tr("There is no dataset with the id %1.").arg(id));
    return *found;
}

DatasetInfo DatasetCatalog::require(const QString &idOrName) const
{
    const std::optional<DatasetInfo> found = findByIdOrName(idOrName);
    if (!found)
        throw Error(Error::Kind::NotFound, Text::tr("There is no dataset '%1'.").arg(idOrName));
    return *found;
}

QString DatasetCatalog::uniqueName(const QString &wanted) const
{
    const QString base = wanted.trimmed().isEmpty() ? QStringLiteral("Dataset") : wanted.trimmed();
    QString candidate = base;
    for (int n = 2;; ++n) {
        QSqlQuery query(m_store.connection());
        query.prepare(QStringLiteral("SELECT count(*) FROM datasets WHERE lower(name) = lower(?)"));
        query.addBindValue(candidate);
        execPrepared(query);
        if (query.next() && query.value(0).toInt() == 0)
            return candidate;
        candidate = QStringLiteral("%1 (%2)").arg(base).arg(n);
    }
}

DatasetInfo DatasetCatalog::add(DatasetInfo dataset, const QString &stagingDirectory)
{
    // The files reach the disk before the row can point at them, outside the write lock (a large file takes a
    // while to flush, and other writers wait for the lock).
    callEngine([&] { engine::syncFolderContents(stagingDirectory.toStdString()); });
    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    dataset.createdAt = QDateTime::currentDateTimeUtc();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral(
        "INSERT INTO datasets (name, original_file_name, container, record_schema, record_count, skipped_count, "
        "bytes, sha256, storage_dir, report_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)"));
    for (const QVariant &value :
         {QVariant(dataset.name), QVariant(dataset.originalFileName), QVariant(dataset.container),
          QVariant(dataset.schema), QVariant(dataset.recordCount), QVariant(dataset.skippedCount),
          QVariant(dataset.bytes), QVariant(dataset.sha256),
          QVariant(QString::fromUtf8(QJsonDocument(dataset.reportSummary).toJson(QJsonDocument::Compact))),
          QVariant(dataset.createdAt.toString(Qt::ISODateWithMs))})
        insert.addBindValue(value);
    execPrepared(insert);
    dataset.id = insert.lastInsertId().toLongLong();
    const QString relative = QStringLiteral("datasets/%1").arg(dataset.id);
    dataset.directory = QDir::cleanPath(m_datasetsDirectory + QStringLiteral("/") + QString::number(dataset.id));
    // This transaction holds the store's write lock and the id was free, so a folder already there was left by an
    // import that crashed before its row committed.
    if (QFileInfo::exists(dataset.directory))
        QDir(dataset.directory).removeRecursively();
    if (!QDir().rename(stagingDirectory, dataset.directory))
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot move the imported dataset into %1; nothing was stored.").arg(dataset.directory));
    callEngine([&] { engine::syncDirectory(m_datasetsDirectory.toStdString()); });
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE datasets SET storage_dir = ? WHERE id = ?"));
    update.addBindValue(relative);
    update.addBindValue(dataset.id);
    try {
        execPrepared(update);
        transaction.commit();
    } catch (...) {
        QDir().rename(dataset.directory, stagingDirectory);
        throw;
    }
    return dataset;
}

void DatasetCatalog::rename(qint64 id, const QString &newName)
{
    const QString name = newName.trimmed();
    if (name.isEmpty())
        throw Error(Error::Kind::InvalidInput, Text::tr("A dataset needs a name."));
    const DatasetInfo dataset = require(id);
    const std::optional<DatasetInfo> other = findByIdOrName(name);
    if (other && other->id != id && other->name.compare(name, Qt::CaseInsensitive) == 0)
        throw Error(Error::Kind::Conflict, Text::tr("Another dataset is already called '%1'.").arg(other->name));
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("UPDATE datasets SET name = ? WHERE id = ?"));
    query.addBindValue(name);
    query.addBindValue(dataset.id);
    execPrepared(query);
}

void DatasetCatalog::remove(qint64 id)
{
    const DatasetInfo dataset = require(id);
    deleteRowAndFolder(m_store.connection(), QStringLiteral("DELETE FROM datasets WHERE id = ?"), id, dataset.directory,
                       m_datasetsDirectory + QStringLiteral("/.deleting-%1").arg(id));
}

void DatasetCatalog::exportJsonl(qint64 id, const QString &target, const Progress &progress) const
{
    const DatasetInfo dataset = require(id);
    QFile source(dataset.recordsFile());
    if (!source.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(source.fileName(), source.errorString()));
    QSaveFile output(target);
    if (!output.open(QIODevice::WriteOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(target, output.errorString()));
    while (!source.atEnd()) {
        const QByteArray chunk = source.read(1 << 20);
        if (output.write(chunk) != chunk.size())
            throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(target, output.errorString()));
        if (progress && !progress(source.pos(), source.size())) {
            output.cancelWriting();
            throw Error(Error::Kind::Cancelled, Text::tr("The export was cancelled; %1 was not written.").arg(target));
        }
    }
    if (!output.commit())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(target, output.errorString()));
}

QVector<QJsonObject> DatasetCatalog::readRecords(qint64 id, qint64 first, int count) const
{
    const DatasetInfo dataset = require(id);
    QFile file(dataset.recordsFile());
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot read %1: %2").arg(file.fileName(), file.errorString()));
    QVector<QJsonObject> records;
    for (qint64 index = 0; !file.atEnd() && records.size() < count; ++index) {
        const QByteArray line = file.readLine();
        if (index < first)
            continue;
        QJsonParseError error;
        const QJsonDocument record = QJsonDocument::fromJson(line, &error);
        if (!record.isObject())
            throw Error(Error::Kind::Io,
                        Text::tr("Line %1 of %2 is damaged (%3): the dataset's stored records were changed outside "
                                 "the app or by a disk fault. Import the original file again.")
                            .arg(index + 1)
                            .arg(file.fileName(), error.error != QJsonParseError::NoError
                                                      ? error.errorString()
                                                      : Text::tr("not a JSON object")));
        records.append(record.object());
    }
    return records;
}

ValidationReport DatasetCatalog::loadReport(qint64 id) const
{
    const DatasetInfo dataset = require(id);
    QFile file(dataset.reportFile());
    if (!file.open(QIODevice::ReadOnly))
        return ValidationReport::fromJson(dataset.reportSummary);
    return ValidationReport::fromJson(QJsonDocument::fromJson(file.readAll()).object());
}

QString DatasetCatalog::createStagingDirectory() const
{
    const QString path =
        m_datasetsDirectory + QStringLiteral("/.staging-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!QDir().mkpath(path))
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot create the folder %1; check the free space and permissions of the data "
                             "directory.")
                        .arg(path));
    return path;
}

int DatasetCatalog::removeLeftovers() const
{
    // Under the store's write lock: an import or a delete in another process is then either finished, with its
    // row committed, or dead, so a folder without a row is truly left over.
    const QSqlDatabase db = m_store.connection();
    WriteTransaction transaction(db);
    QSet<QString> known;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT id FROM datasets"));
    execPrepared(query);
    while (query.next())
        known.insert(query.value(0).toString());

    int removed = 0;
    const QDateTime staleBefore = QDateTime::currentDateTimeUtc().addSecs(-3600);
    const QFileInfoList entries =
        QDir(m_datasetsDirectory).entryInfoList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo &entry : entries) {
        const QString name = entry.fileName();
        if (name.startsWith(QLatin1String(".deleting-"))) {
            const QString id = name.mid(10);
            removed += settleFolderSetAside(known.contains(id), entry.absoluteFilePath(),
                                            m_datasetsDirectory + QLatin1Char('/') + id);
            continue;
        }
        bool leftover = !known.contains(name) && name.toLongLong() > 0;
        if (name.startsWith(QLatin1String(".staging-"))) {
            // An import running in another process keeps writing into its folder; only old ones are dead.
            QDateTime newest = entry.lastModified().toUTC();
            QDirIterator files(entry.absoluteFilePath(), QDir::Files);
            while (files.hasNext()) {
                files.next();
                newest = qMax(newest, files.fileInfo().lastModified().toUTC());
            }
            leftover = newest < staleBefore;
        }
        if (leftover && QDir(entry.absoluteFilePath()).removeRecursively())
            ++removed;
    }
    transaction.commit();
    return removed;
}

} // namespace mtm::core
