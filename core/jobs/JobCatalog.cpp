#include "jobs/JobCatalog.h"

#include "store/SqlExec.h"
#include "store/Store.h"

#include <QSqlQuery>

namespace mtm::core {

JobCatalog::JobCatalog(Store &store)
    : m_store(store)
{}

qint64 JobCatalog::count() const
{
    return queryScalar(m_store.connection(), QStringLiteral("SELECT count(*) FROM jobs")).toLongLong();
}

qint64 JobCatalog::count(JobState state) const
{
    QSqlQuery query(m_store.connection());
    query.prepare(QStringLiteral("SELECT count(*) FROM jobs WHERE state = ?"));
    query.addBindValue(jobStateId(state));
    execPrepared(query);
    return query.next() ? query.value(0).toLongLong() : 0;
}

} // namespace mtm::core
