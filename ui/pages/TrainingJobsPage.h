// The Training Jobs page: the jobs with their state, progress, loss and time left; New Job; for the selected job
// its live loss chart, figures (speed, memory, time), log, settings and — when it has ended — a summary; Cancel,
// Resume, Retry, Duplicate, Delete, Open Folder and Download (the model as model_job_<id>.tar.gz).
#pragma once

#include "engine/train/TrainingProgress.h"
#include "pages/Page.h"
#include "pages/PageTask.h"

#include <QFuture>

#include <memory>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QToolButton;

namespace mtm::core {
class AppCore;
struct JobInfo;
} // namespace mtm::core

namespace mtm::ui {

class JobAsk;
class JobChat;
class JobTableModel;
class LossChart;

class TrainingJobsPage : public Page
{
    Q_OBJECT
public:
    explicit TrainingJobsPage(core::AppCore &core, QWidget *parent = nullptr);

    void refresh() override;
    void selectJob(qint64 id);
    qint64 selectedJobId() const; // 0 when none
    // Opens the New Job dialog (window-modal, without blocking), optionally filled from a job's settings.
    void openNewJobDialog(qint64 duplicateOf = 0);

private:
    QWidget *createDetails();
    QWidget *createProgressTab();
    const core::JobInfo *selected() const;
    void showSelected();
    void updateActions();
    void showFigures(const engine::TrainingProgress &progress);
    void showSummary(const core::JobInfo &job);
    void onProgress(qint64 id, const engine::TrainingProgress &progress);
    void onLog(qint64 id, const QString &message);
    void fillCompareMenu();
    void cancelSelected();
    void deleteSelected();
    void downloadSelected();
    void exportChart();
    void exportLosses();

    core::AppCore &m_core;
    JobTableModel *m_model;
    QTableView *m_table;
    QTabWidget *m_details;
    LossChart *m_chart;
    QLabel *m_figures;
    QCheckBox *m_logScale;
    QToolButton *m_compare;
    QPlainTextEdit *m_log;
    QLabel *m_summary;
    QPlainTextEdit *m_settings;
    JobChat *m_chat;
    JobAsk *m_ask;
    QPushButton *m_cancel;
    QPushButton *m_resume;
    QPushButton *m_retry;
    QPushButton *m_duplicate;
    QPushButton *m_delete;
    QPushButton *m_openFolder;
    QPushButton *m_download;
    qint64 m_shownJob = 0;     // whose chart and log are shown
    int m_shownState = -1;     // its state then: a job that ends is drawn again from every stored step
    qint64 m_shownLogLine = 0; // the last log line shown, for jobs run by another process
    PageTask m_task{this, [this] { updateActions(); }}; // a download
};

} // namespace mtm::ui
