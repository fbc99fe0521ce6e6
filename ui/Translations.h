// Loads the app's translations for the user's language, English included (it carries the plural forms).
#pragma once

class QCoreApplication;

namespace mtm::ui {

// Installs a translator on app (which owns it). Returns false when no translation could be loaded.
bool installTranslations(QCoreApplication &app);

} // namespace mtm::ui
