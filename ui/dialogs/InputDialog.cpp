#include "dialogs/InputDialog.h"

#include <QInputDialog>

namespace mtm::ui {

std::optional<std::optional<QString>> InputDialog::s_nextText;

std::optional<QString> InputDialog::text(QWidget *parent, const QString &title, const QString &label,
                                         const QString &initial)
{
    if (s_nextText)
        return std::exchange(s_nextText, std::nullopt).value();
    bool ok = false;
    const QString entered = QInputDialog::getText(parent, title, label, QLineEdit::Normal, initial, &ok);
    return ok ? std::optional<QString>(entered) : std::nullopt;
}

std::optional<QString> InputDialog::choice(QWidget *parent, const QString &title, const QString &label,
                                           const QStringList &items)
{
    if (s_nextText)
        return std::exchange(s_nextText, std::nullopt).value();
    bool ok = false;
    const QString chosen = QInputDialog::getItem(parent, title, label, items, 0, true, &ok);
    return ok && !chosen.trimmed().isEmpty() ? std::optional<QString>(chosen.trimmed()) : std::nullopt;
}

void InputDialog::setNextText(const std::optional<QString> &text)
{
    s_nextText = text;
}

} // namespace mtm::ui
