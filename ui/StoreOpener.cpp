#include "StoreOpener.h"

#include "store/Store.h"
#include "store/StoreError.h"

#include <QMessageBox>
#include <QPushButton>

namespace mtm::ui {

std::unique_ptr<core::Store> openStoreOrAsk(const QString &databaseFile, QWidget *parent)
{
    for (;;) {
        try {
            return std::make_unique<core::Store>(databaseFile);
        } catch (const core::StoreError &error) {
            QMessageBox box(QMessageBox::Critical, QObject::tr("Cannot open the database"), error.message(),
                            QMessageBox::NoButton, parent);
            QPushButton *moveAside = nullptr;
            if (error.reason() == core::StoreError::Reason::Damaged)
                moveAside = box.addButton(QObject::tr("Move Aside and Start Fresh"), QMessageBox::AcceptRole);
            box.addButton(QMessageBox::Close);
            box.exec();
            if (!moveAside || box.clickedButton() != moveAside)
                return nullptr;
            try {
                const QString movedTo = core::Store::moveAside(databaseFile);
                QMessageBox::information(
                    parent, QObject::tr("Database moved aside"),
                    QObject::tr("The damaged database is now %1. Nothing was deleted.").arg(movedTo));
            } catch (const core::StoreError &moveError) {
                QMessageBox::critical(parent, QObject::tr("Cannot move the database"), moveError.message());
                return nullptr;
            }
        }
    }
}

} // namespace mtm::ui
