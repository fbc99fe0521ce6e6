// The application's name and version as Qt knows them: they decide where settings and data live,
// so the desktop app and the `mtm` command line set them the same way.
#pragma once

namespace mtm::core {

// Call right after constructing the Q(Core|Gui)Application.
void setApplicationIdentity();

} // namespace mtm::core
