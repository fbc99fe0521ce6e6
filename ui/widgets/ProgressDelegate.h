// Draws a table cell as a progress bar (the model's FractionRole, 0 to 1) with the cell's text on it.
#pragma once

#include <QStyledItemDelegate>

namespace mtm::ui {

class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    ProgressDelegate(int fractionRole, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_fractionRole;
};

} // namespace mtm::ui
