// The application core: one object per process that owns the core services — the settings, the data directory,
// the store, the dataset catalog and importer, the jobs — built once and shared by the desktop app, every `mtm`
// command and the REST API, so that what one of them does the others see.
#pragma once

#include "AppResources.h"

#include <QString>

#include <memory>

namespace mtm::core {

class AppSettings;
class DataDirectory;
class DatasetCatalog;
class DatasetImporter;
class JobCatalog;
class JobQueue;
class Store;

class AppCore
{
public:
    // Opens what the settings point to: creates the data directory and opens (and migrates) the store. Applies
    // the CPU thread setting. Throws Error (StoreError for the database) saying what is wrong. Tests read the
    // resources from the source tree (they do not link the app's resources).
    explicit AppCore(std::unique_ptr<AppSettings> settings, const AppResources &resources = {});
    // The same with the store the caller opened (the desktop app asks the user about a damaged database first).
    AppCore(std::unique_ptr<AppSettings> settings, std::unique_ptr<Store> store);
    ~AppCore();

    AppCore(const AppCore &) = delete;
    AppCore &operator=(const AppCore &) = delete;

    AppSettings &settings() const;
    const DataDirectory &dataDirectory() const;
    Store &store() const;
    DatasetCatalog &datasets() const;
    DatasetImporter &importer() const;
    JobCatalog &jobs() const;
    // The process's job queue: it runs jobs once started (the desktop app starts it at once; `mtm jobs` when a
    // command waits for a job).
    JobQueue &queue() const;

    // The folder of the built-in starter model in the data directory, copied there from the app first when it is
    // missing or older than the app's. Throws Error.
    QString starterModel() const;
    const AppResources &resources() const { return m_resources; }

private:
    void openServices();

    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<DataDirectory> m_dataDirectory;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<DatasetCatalog> m_datasets;
    std::unique_ptr<DatasetImporter> m_importer;
    std::unique_ptr<JobCatalog> m_jobs;
    AppResources m_resources;
    std::unique_ptr<JobQueue> m_queue; // last: its running jobs stop before the services they use go
};

} // namespace mtm::core
