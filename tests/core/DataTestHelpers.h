// Shared set-up for tests that import datasets: a temporary data directory, store, catalog and importer.
#pragma once

#include "common/TestFiles.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"

#include <QFile>
#include <QTemporaryDir>

#include <memory>

namespace mtm::test {

class DataFixture
{
public:
    DataFixture()
    {
        qputenv(core::DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        core::AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")));
        m_dataDirectory = std::make_unique<core::DataDirectory>(core::DataDirectory::resolve(settings));
        m_dataDirectory->ensureExists();
        store = std::make_unique<core::Store>(m_dataDirectory->databaseFile());
        catalog = std::make_unique<core::DatasetCatalog>(*store, *m_dataDirectory);
        importer = std::make_unique<core::DatasetImporter>(*catalog);
    }

    // Writes bytes to a file of the given name in the temporary folder and returns its path.
    QString write(const QString &name, const QByteArray &bytes) const { return writeFile(m_dir.filePath(name), bytes); }

    const core::DataDirectory &dataDirectory() const { return *m_dataDirectory; }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<core::DataDirectory> m_dataDirectory;

public:
    std::unique_ptr<core::Store> store;
    std::unique_ptr<core::DatasetCatalog> catalog;
    std::unique_ptr<core::DatasetImporter> importer;
};

} // namespace mtm::test
