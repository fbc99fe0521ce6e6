// The sample dataset that ships with the app, imported on first start so that a new user can train at once.
#pragma once

#include "data/DatasetInfo.h"

#include <QString>

#include <optional>

namespace mtm::core {

class AppCore;

// The name the sample dataset is stored under.
QString sampleDatasetName();

// On the first start only (remembered in settings) and only while there are no datasets: imports the sample
// from sampleFile (a path, or a Qt resource path). Returns the stored dataset when it imported one.
// Throws core::Error when the sample cannot be read or stored.
std::optional<DatasetInfo> importSampleDatasetOnFirstStart(AppCore &core, const QString &sampleFile);

} // namespace mtm::core
