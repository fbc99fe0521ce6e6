// Shared set-up for tests of the core: an application core on a temporary data directory and settings file.
#pragma once

#include "AppCore.h"
#include "common/TestFiles.h"
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "model/ModelFactory.h"
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
    // The starter model and the sample dataset come from the source tree (the tests do not link the resources).
    DataFixture()
    {
        qputenv(core::DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        auto settings = std::make_unique<core::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        // One compute thread, as the suite runs tests side by side (the core applies the setting).
        settings->setCpuThreads(1);
        core = std::make_unique<core::AppCore>(std::move(settings),
                                               core::AppResources::inSourceTree(QStringLiteral(MTM_SOURCE_DIR)));
        store = &core->store();
        catalog = &core->datasets();
        importer = &core->importer();
    }

    // Writes bytes to a file of the given name in the temporary folder and returns its path.
    QString write(const QString &name, const QByteArray &bytes) const { return writeFile(m_dir.filePath(name), bytes); }

    // For jobs that train in a moment: a tiny model in path("tiny") with the starter model's tokenizer, and a
    // dataset "sums" of `records` prompt/completion pairs ("What is 3 plus one?" → "4").
    void addTinyModelAndSums(int records)
    {
        core::TinyModelSpec spec;
        spec.tokenizerFolder = QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model");
        core::makeTinyModel(spec, path(QStringLiteral("tiny")));
        QByteArray lines = "prompt,completion\n";
        for (int i = 0; i < records; ++i)
            lines += "What is " + QByteArray::number(i) + " plus one?," + QByteArray::number(i + 1) + "\n";
        const auto prepared = importer->prepare(write(QStringLiteral("sums.csv"), lines), {});
        importer->commit(*prepared, QStringLiteral("sums"), false);
    }

    const core::DataDirectory &dataDirectory() const { return core->dataDirectory(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;

public:
    std::unique_ptr<core::AppCore> core;
    core::Store *store = nullptr;
    core::DatasetCatalog *catalog = nullptr;
    core::DatasetImporter *importer = nullptr;
};

} // namespace mtm::test
