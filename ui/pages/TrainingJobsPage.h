// The Training Jobs page: the job list, and for the selected job its live loss curves and figures.
#pragma once

#include "pages/Page.h"

class QTableView;
class QChartView;

namespace mtm::core {
class AppCore;
class JobCatalog;
} // namespace mtm::core

namespace mtm::ui {

class TrainingJobsPage : public Page
{
    Q_OBJECT
public:
    explicit TrainingJobsPage(core::AppCore &core, QWidget *parent = nullptr);

    void refresh() override;

private:
    const core::JobCatalog &m_jobs;
    QTableView *m_table;
    QChartView *m_lossChart;
};

} // namespace mtm::ui
