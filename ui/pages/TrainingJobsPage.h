// The Training Jobs page: the job list, and for the selected job its live loss curves and figures.
#pragma once

#include "pages/Page.h"

class QTableView;
class QChartView;

namespace mtm::core {
class Store;
}

namespace mtm::ui {

class TrainingJobsPage : public Page
{
    Q_OBJECT
public:
    explicit TrainingJobsPage(core::Store &store, QWidget *parent = nullptr);

    void refresh() override;

private:
    core::Store &m_store;
    QTableView *m_table;
    QChartView *m_lossChart;
};

} // namespace mtm::ui
