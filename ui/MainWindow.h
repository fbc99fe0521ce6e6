// The main window: a sidebar with the Datasets, Training Jobs and Deployment pages, menus and status bar.
#pragma once

#include <QMainWindow>

#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace mtm::core {
class AppSettings;
class DataDirectory;
class DatasetCatalog;
class DatasetImporter;
class Store;
} // namespace mtm::core

namespace mtm::ui {

class DatasetsPage;
class DeploymentPage;
class Page;
class TrainingJobsPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class PageId { Datasets, TrainingJobs, Deployment };

    MainWindow(core::AppSettings &settings, core::Store &store, const core::DataDirectory &dataDirectory,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPage(PageId page);
    PageId currentPage() const;
    Page *page(PageId id) const;
    static QString pageKey(PageId page); // the name saved as the last page

    // Opens the dialogs window-modal without blocking, so that tests and screenshots can reach them.
    void openSettings();
    void openAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void addPage(PageId id, Page *page, const QString &iconPath, const QString &title);
    void restoreWindowState();
    void updateComputeDeviceLabel();

    core::AppSettings &m_settings;
    std::unique_ptr<core::DatasetCatalog> m_datasets;
    std::unique_ptr<core::DatasetImporter> m_importer;
    QString m_dataDirectory;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    QLabel *m_computeDevice;
};

} // namespace mtm::ui
