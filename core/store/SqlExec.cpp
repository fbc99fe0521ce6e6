#include "store/SqlExec.h"

#include "store/StoreError.h"

#include <QCoreApplication>
#include <QSqlError>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SqlExec)
};

[[noreturn]] void throwQueryError(const QSqlQuery &query, const QString &sql)
{
    const QSqlError error = query.lastError();
    const QString sqliteMessage = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    throw StoreError(StoreError::Reason::Query,
                     Text::tr("Database statement failed: %1 (statement: %2)").arg(sqliteMessage, sql.simplified()));
}

} // namespace

void execSql(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        throwQueryError(query, sql);
}

void execPrepared(QSqlQuery &query)
{
    if (!query.exec())
        throwQueryError(query, query.lastQuery());
}

QVariant queryScalar(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        throwQueryError(query, sql);
    return query.next() ? query.value(0) : QVariant();
}

} // namespace mtm::core
