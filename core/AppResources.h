// What ships inside the app for a fresh install — the starter model, the sample dataset and the starter corpus
// (plain-text documents separated by lines "---") — and where to read
// them: the app's Qt resources, or the source tree's copies (tests, which do not link the resources).
#pragma once

#include <QString>

namespace mtm::core {

struct AppResources
{
    QString starterModel = QStringLiteral(":/starter-model");                    // a folder
    QString sampleDataset = QStringLiteral(":/sample-data/starter-alpaca.json"); // a file
    QString starterCorpus = QStringLiteral(":/starter-corpus");                  // a folder of .txt files

    // The copies in a source tree: <sourceDir>/resources/...
    static AppResources inSourceTree(const QString &sourceDir)
    {
        return {sourceDir + QStringLiteral("/resources/starter-model"),
                sourceDir + QStringLiteral("/resources/sample-data/starter-alpaca.json"),
                sourceDir + QStringLiteral("/resources/starter-corpus")};
    }
};

} // namespace mtm::core
