// The app's text prompts, in one place that tests can answer: setNextText() makes the next prompt return that
// text at once, without showing it (nothing: the user cancelled).
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class QWidget;

namespace mtm::ui {

class InputDialog
{
public:
    // The text entered, or nothing when the user cancelled.
    static std::optional<QString> text(QWidget *parent, const QString &title, const QString &label,
                                       const QString &initial);

    // One of items, or another text typed in (the list is editable); nothing when the user cancelled.
    static std::optional<QString> choice(QWidget *parent, const QString &title, const QString &label,
                                         const QStringList &items);

    // For tests: the next prompt returns `text` without being shown.
    static void setNextText(const std::optional<QString> &text);

private:
    static std::optional<std::optional<QString>> s_nextText;
};

} // namespace mtm::ui
