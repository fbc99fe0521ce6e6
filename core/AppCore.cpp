#include "AppCore.h"

#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "model/ModelFactory.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "system/CpuThreads.h"

namespace mtm::core {

AppCore::AppCore(std::unique_ptr<AppSettings> settings, const AppResources &resources)
    : m_settings(std::move(settings))
    , m_dataDirectory(std::make_unique<DataDirectory>(DataDirectory::resolve(*m_settings)))
    , m_resources(resources)
{
    m_dataDirectory->ensureExists();
    m_store = std::make_unique<Store>(m_dataDirectory->databaseFile());
    openServices();
}

AppCore::AppCore(std::unique_ptr<AppSettings> settings, std::unique_ptr<Store> store)
    : m_settings(std::move(settings))
    , m_dataDirectory(std::make_unique<DataDirectory>(DataDirectory::resolve(*m_settings)))
    , m_store(std::move(store))
{
    m_dataDirectory->ensureExists();
    openServices();
}

void AppCore::openServices()
{
    applyCpuThreads(m_settings->cpuThreads());
    m_datasets = std::make_unique<DatasetCatalog>(*m_store, *m_dataDirectory);
    m_importer = std::make_unique<DatasetImporter>(*m_datasets);
    m_jobs = std::make_unique<JobCatalog>(*m_store, *m_dataDirectory, *m_datasets);
    // A job left running by a runner that is gone (a crash, a power cut) shows as interrupted from the start.
    m_jobs->markInterrupted();
    m_queue = std::make_unique<JobQueue>(*this);
}

AppCore::~AppCore() = default;

AppSettings &AppCore::settings() const
{
    return *m_settings;
}

const DataDirectory &AppCore::dataDirectory() const
{
    return *m_dataDirectory;
}

Store &AppCore::store() const
{
    return *m_store;
}

DatasetCatalog &AppCore::datasets() const
{
    return *m_datasets;
}

DatasetImporter &AppCore::importer() const
{
    return *m_importer;
}

JobCatalog &AppCore::jobs() const
{
    return *m_jobs;
}

JobQueue &AppCore::queue() const
{
    return *m_queue;
}

QString AppCore::starterModel() const
{
    return installStarterModel(*m_dataDirectory, m_resources.starterModel);
}

} // namespace mtm::core
