// The Datasets page: the imported datasets, a preview of the selected one, and its validation report.
#pragma once

#include "pages/Page.h"

class QTableView;
class QTabWidget;

namespace mtm::core {
class Store;
}

namespace mtm::ui {

class DatasetsPage : public Page
{
    Q_OBJECT
public:
    explicit DatasetsPage(core::Store &store, QWidget *parent = nullptr);

    // Re-reads the store and shows the list, or the empty state when there is nothing yet.
    void refresh() override;

private:
    core::Store &m_store;
    QTableView *m_table;
    QTabWidget *m_details;
};

} // namespace mtm::ui
