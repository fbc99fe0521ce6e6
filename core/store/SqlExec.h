// Small helpers that run SQL and turn a failure into a StoreError naming the statement.
#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

namespace mtm::core {

// Runs one statement without parameters.
void execSql(const QSqlDatabase &db, const QString &sql);
// Runs a prepared query with its bound values.
void execPrepared(QSqlQuery &query);
// Runs a statement and returns the first column of its first row (an invalid QVariant for no rows).
QVariant queryScalar(const QSqlDatabase &db, const QString &sql);

} // namespace mtm::core
