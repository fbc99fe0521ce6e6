// The sample dataset that ships with the app, so that a new user can train at once: imported on the first start
// of the window, and — like the starter model for "starter" — whenever a job names it and it is not there (the
// sample jobs of resources/sample-data/jobs/ do, from the command line too).
#pragma once

#include "data/DatasetInfo.h"

#include <QString>

#include <optional>

namespace mtm::core {

class AppCore;

// The name the sample dataset is stored under: "Starter examples".
QString sampleDatasetName();

// On the first start only (remembered in settings) and only while there are no datasets: imports the sample.
// Returns the stored dataset when it imported one. Throws core::Error when the sample cannot be read or stored.
std::optional<DatasetInfo> importSampleDatasetOnFirstStart(AppCore &core);

// When datasetRef is the sample's name and no dataset has it, imports the sample now. Throws core::Error.
void provideSampleDataset(const AppCore &core, const QString &datasetRef);

} // namespace mtm::core
