// Opens the store at startup and, when the file is damaged, offers to move it aside instead of failing.
#pragma once

#include <memory>

#include <QString>

class QWidget;

namespace mtm::core {
class Store;
}

namespace mtm::ui {

// Returns nullptr when the user chose to quit or the store cannot be opened (the reason was shown).
std::unique_ptr<core::Store> openStoreOrAsk(const QString &databaseFile, QWidget *parent = nullptr);

} // namespace mtm::ui
