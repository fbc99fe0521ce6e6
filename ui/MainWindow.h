// The main window: a sidebar with the Datasets, Training Jobs and Deployment pages, menus and status bar.
#pragma once

#include <QMainWindow>

#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace mtm::core {
class AppCore;
} // namespace mtm::core

namespace mtm::ui {

class DatasetsPage;
class DesktopApi;
class DeploymentPage;
class Page;
class TrainingJobsPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class PageId { Datasets, TrainingJobs, Deployment };

    explicit MainWindow(core::AppCore &core, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPage(PageId page);
    PageId currentPage() const;
    Page *page(PageId id) const;
    static QString pageKey(PageId page); // the name saved as the last page

    // Opens the dialogs window-modal without blocking, so that tests and screenshots can reach them.
    void openSettings();
    void openAbout();
    // Asks whether the jobs that stopped before they finished (a crash, a power cut, the app closed) should
    // continue now from their last checkpoints; the desktop app asks once it has started.
    void offerToResumeInterruptedJobs();
    // Serves the REST API from this window's core as Settings say (the desktop app does, once it has started);
    // Settings then restart it when they change.
    void serveApi();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void addPage(PageId id, Page *page, const QString &iconPath, const QString &title);
    void restoreWindowState();
    void updateComputeDeviceLabel();
    void applyApiSettings();

    core::AppCore &m_core;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    QLabel *m_computeDevice;
    QLabel *m_apiState;
    std::unique_ptr<DesktopApi> m_api;
};

} // namespace mtm::ui
