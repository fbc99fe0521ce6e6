// The training jobs in the store, as the pages and the command line read them.
#pragma once

#include "jobs/JobState.h"

namespace mtm::core {

class Store;

class JobCatalog
{
public:
    explicit JobCatalog(Store &store);

    qint64 count() const;
    qint64 count(JobState state) const;

private:
    Store &m_store;
};

} // namespace mtm::core
