// What every command that touches the user's data opens: the settings, the data directory and the store.
#pragma once

#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"

#include <memory>

namespace mtm::cli {

class CliEnvironment
{
public:
    // Creates the data directory if needed and opens the store. Throws core::Error with a message for people.
    CliEnvironment();

    core::AppSettings settings;
    core::DataDirectory dataDirectory;
    std::unique_ptr<core::Store> store;
};

} // namespace mtm::cli
