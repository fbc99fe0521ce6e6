// The title and one-line explanation at the top of each page, with room for the page's actions.
#pragma once

#include <QWidget>

class QHBoxLayout;

namespace mtm::ui {

class PageHeader : public QWidget
{
    Q_OBJECT
public:
    PageHeader(const QString &title, const QString &subtitle, QWidget *parent = nullptr);

    // Adds a widget (usually a button) on the right-hand side.
    void addAction(QWidget *widget);

private:
    QHBoxLayout *m_actions;
};

} // namespace mtm::ui
