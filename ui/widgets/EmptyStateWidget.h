// What a page shows while it has nothing to show: an icon, a title and what the user should do first.
#pragma once

#include <QWidget>

class QVBoxLayout;

namespace mtm::ui {

class EmptyStateWidget : public QWidget
{
    Q_OBJECT
public:
    EmptyStateWidget(const QString &iconPath, const QString &title, const QString &explanation,
                     QWidget *parent = nullptr);

    // Adds a button under the explanation (e.g. "Import…").
    void addAction(QWidget *widget);

private:
    QVBoxLayout *m_actions;
};

} // namespace mtm::ui
