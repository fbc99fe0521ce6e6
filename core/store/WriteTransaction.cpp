#include "store/WriteTransaction.h"

#include "store/SqlExec.h"

#include <QSqlQuery>

namespace mtm::core {

WriteTransaction::WriteTransaction(QSqlDatabase db)
    : m_db(std::move(db))
{
    execSql(m_db, QStringLiteral("BEGIN IMMEDIATE"));
    m_open = true;
}

WriteTransaction::~WriteTransaction()
{
    if (m_open) {
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK")); // nothing more to do if even this fails
    }
}

void WriteTransaction::commit()
{
    m_open = false;
    try {
        execSql(m_db, QStringLiteral("COMMIT"));
    } catch (...) {
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

} // namespace mtm::core
