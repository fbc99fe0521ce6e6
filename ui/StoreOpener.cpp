#include "StoreOpener.h"

#include "dialogs/MessageBox.h"
#include "store/Store.h"
#include "store/StoreError.h"

namespace mtm::ui {

std::unique_ptr<core::Store> openStoreOrAsk(const QString &databaseFile, QWidget *parent)
{
    for (;;) {
        try {
            return std::make_unique<core::Store>(databaseFile);
        } catch (const core::StoreError &error) {
            const bool damaged = error.reason() == core::StoreError::Reason::Damaged;
            const auto answer =
                MessageBox::ask(parent, QMessageBox::Critical, QObject::tr("Cannot open the database"), error.message(),
                                damaged ? QMessageBox::Yes | QMessageBox::Close : QMessageBox::Close,
                                QMessageBox::Close, {{QMessageBox::Yes, QObject::tr("Move Aside and Start Fresh")}});
            if (answer != QMessageBox::Yes)
                return nullptr;
            try {
                const QString movedTo = core::Store::moveAside(databaseFile);
                MessageBox::information(
                    parent, QObject::tr("Database moved aside"),
                    QObject::tr("The damaged database is now %1. Nothing was deleted.").arg(movedTo));
            } catch (const core::StoreError &moveError) {
                MessageBox::critical(parent, QObject::tr("Cannot move the database"), moveError.message());
                return nullptr;
            }
        }
    }
}

} // namespace mtm::ui
