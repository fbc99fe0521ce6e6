// A write transaction that takes SQLite's write lock at BEGIN, so that in WAL mode two writers queue on the
// busy timeout instead of deadlocking on a read-to-write upgrade. Rolls back unless committed.
#pragma once

#include <QSqlDatabase>

namespace mtm::core {

class WriteTransaction
{
public:
    explicit WriteTransaction(QSqlDatabase db); // BEGIN IMMEDIATE; throws StoreError
    ~WriteTransaction();                        // ROLLBACK if commit() was not reached

    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    void commit(); // throws StoreError; the transaction is over either way

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace mtm::core
