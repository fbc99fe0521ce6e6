#include "pages/Page.h"

#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"

#include <QStackedWidget>
#include <QVBoxLayout>

namespace mtm::ui {

void Page::setUp(PageHeader *header, EmptyStateWidget *emptyState, QWidget *content)
{
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(emptyState);
    m_stack->addWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addWidget(header);
    layout->addWidget(m_stack, 1);
}

void Page::showEmptyState(bool empty)
{
    m_stack->setCurrentIndex(empty ? 0 : 1);
}

bool Page::isShowingEmptyState() const
{
    return m_stack->currentIndex() == 0;
}

} // namespace mtm::ui
