#include "widgets/EmptyStateWidget.h"

#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace mtm::ui {

EmptyStateWidget::EmptyStateWidget(const QString &iconPath, const QString &title, const QString &explanation,
                                   QWidget *parent)
    : QWidget(parent)
    , m_actions(new QVBoxLayout)
{
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(iconPath).pixmap(72, 72));
    icon->setAlignment(Qt::AlignCenter);

    auto *titleLabel = new QLabel(title, this);
    titleLabel->setObjectName(QStringLiteral("emptyStateTitle"));
    QFont titleFont = titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    titleLabel->setFont(titleFont);
    titleLabel->setAlignment(Qt::AlignCenter);

    auto *text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("emptyStateText"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setFixedWidth(520);
    text->setMinimumHeight(text->heightForWidth(520)); // a centred label is not asked for its wrapped height
    text->setForegroundRole(QPalette::PlaceholderText);

    m_actions->setAlignment(Qt::AlignHCenter);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(icon);
    layout->addSpacing(8);
    layout->addWidget(titleLabel);
    layout->addWidget(text, 0, Qt::AlignHCenter);
    layout->addSpacing(12);
    layout->addLayout(m_actions);
    layout->addStretch(3);
}

void EmptyStateWidget::addAction(QWidget *widget)
{
    m_actions->addWidget(widget, 0, Qt::AlignHCenter);
}

} // namespace mtm::ui
