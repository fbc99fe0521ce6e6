// A page of the main window: a header, and either its empty state or its content.
#pragma once

#include <QWidget>

class QStackedWidget;

namespace mtm::ui {

class EmptyStateWidget;
class PageHeader;

class Page : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    // Re-reads what the page shows.
    virtual void refresh() = 0;
    bool isShowingEmptyState() const;

signals:
    // A short note on what was done, for the window's status bar.
    void statusMessage(const QString &text);

protected:
    // Builds the layout; call once from the derived constructor.
    void setUp(PageHeader *header, EmptyStateWidget *emptyState, QWidget *content);
    void showEmptyState(bool empty);

private:
    QStackedWidget *m_stack = nullptr;
};

} // namespace mtm::ui
