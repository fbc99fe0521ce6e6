// GUI tests that drive the real main window on the offscreen platform: navigation through every page,
// restored geometry and last page, the status bar, About and Settings.
#include "AppCore.h"
#include "MainWindow.h"
#include "dialogs/AboutDialog.h"
#include "dialogs/SettingsDialog.h"
#include "pages/Page.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "system/SystemInfo.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace mtm;
using PageId = ui::MainWindow::PageId;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv(core::DataDirectory::environmentVariable(), m_dir.path().toLocal8Bit());
    }

    void init()
    {
        m_core = std::make_unique<core::AppCore>(
            std::make_unique<core::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini"))));
        m_window = createWindow();
    }

    void cleanup()
    {
        m_window.reset();
        m_core.reset();
        QFile::remove(m_dir.filePath(QStringLiteral("settings.ini")));
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(m_dir.filePath(QStringLiteral("mtm.sqlite") + QLatin1String(suffix)));
    }

    void navigationListsTheThreePages()
    {
        auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(navigation);
        QCOMPARE(navigation->count(), 3);
        QCOMPARE(navigation->item(0)->text(), QStringLiteral("Datasets"));
        QCOMPARE(navigation->item(1)->text(), QStringLiteral("Training Jobs"));
        QCOMPARE(navigation->item(2)->text(), QStringLiteral("Deployment"));
    }

    void clickingTheSidebarSwitchesThroughEveryPage()
    {
        auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
        auto *pages = m_window->findChild<QStackedWidget *>(QStringLiteral("pages"));
        const QList<QPair<PageId, QString>> expected = {{PageId::TrainingJobs, QStringLiteral("trainingJobsPage")},
                                                        {PageId::Deployment, QStringLiteral("deploymentPage")},
                                                        {PageId::Datasets, QStringLiteral("datasetsPage")}};
        for (const auto &[id, objectName] : expected) {
            const QRect itemRect = navigation->visualItemRect(navigation->item(int(id)));
            QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, itemRect.center());
            QCOMPARE(m_window->currentPage(), id);
            QCOMPARE(pages->currentWidget()->objectName(), objectName);
            QVERIFY(pages->currentWidget()->isVisible());
            // With nothing stored yet, each page tells the user what to do first.
            QVERIFY(m_window->page(id)->isShowingEmptyState());
        }
    }

    void viewMenuShortcutsSwitchPages()
    {
        for (const PageId id : {PageId::Deployment, PageId::TrainingJobs, PageId::Datasets}) {
            auto *action =
                m_window->findChild<QAction *>(QStringLiteral("show%1Action").arg(ui::MainWindow::pageKey(id)));
            QVERIFY(action);
            QVERIFY(!action->shortcut().isEmpty());
            action->trigger();
            QCOMPARE(m_window->currentPage(), id);
        }
    }

    void emptyStatesGiveWayToContent()
    {
        core::execSql(m_core->store().connection(),
                      QStringLiteral("INSERT INTO datasets (name, original_file_name, container, record_schema, "
                                     "record_count, bytes, sha256, storage_dir, created_at) VALUES ('d', 'd.csv', "
                                     "'csv', 'alpaca', 1, 10, 'x', 'datasets/1', 't')"));
        m_window->page(PageId::Datasets)->refresh();
        QVERIFY(!m_window->page(PageId::Datasets)->isShowingEmptyState());
        QVERIFY(m_window->page(PageId::TrainingJobs)->isShowingEmptyState());
    }

    void restoresGeometryAndLastPage()
    {
        m_window->resize(900, 640);
        m_window->showPage(PageId::Deployment);
        m_window->close();
        m_window = createWindow();
        QCOMPARE(m_window->currentPage(), PageId::Deployment);
        QCOMPARE(m_window->size(), QSize(900, 640));
    }

    void statusBarShowsTheComputeDevice()
    {
        auto *label = m_window->findChild<QLabel *>(QStringLiteral("computeDeviceLabel"));
        QVERIFY(label);
        QVERIFY(label->isVisible());
        QCOMPARE(label->text(), QStringLiteral("Compute: ") + core::SystemInfo::collect().computeDevice);
    }

    void aboutShowsTheVersions()
    {
        m_window->findChild<QAction *>(QStringLiteral("aboutAction"))->trigger();
        auto *about = m_window->findChild<ui::AboutDialog *>(QStringLiteral("aboutDialog"));
        QVERIFY(about);
        QTRY_VERIFY(about->isVisible());
        const core::SystemInfo info = core::SystemInfo::collect();
        const QString text = about->reportText();
        QVERIFY2(text.contains(QStringLiteral("Qt: ") + info.qtRuntimeVersion), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("LibTorch: ") + info.torchVersion), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("FAISS: ") + info.faissVersion), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("CUDA: ") + info.cudaStatus), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Data directory: ") + m_dir.path()), qPrintable(text));
        about->reject();
    }

    void settingsDialogSavesWhatTheUserEnters()
    {
        m_window->openSettings();
        auto *dialog = m_window->findChild<ui::SettingsDialog *>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("ollamaUrlEdit"));
        auto *threads = dialog->findChild<QSpinBox *>(QStringLiteral("cpuThreadsSpin"));
        auto *lmStudio = dialog->findChild<QLineEdit *>(QStringLiteral("lmStudioModelsEdit"));
        auto *dataDirectory = dialog->findChild<QLineEdit *>(QStringLiteral("dataDirectoryEdit"));
        QVERIFY(url && threads && lmStudio && dataDirectory);
        QCOMPARE(url->text(), QStringLiteral("http://localhost:11434"));
        QVERIFY2(!dataDirectory->isEnabled(), "MTM_DATA_DIR is set, so the data directory cannot be changed here");

        url->setText(QStringLiteral("http://gpu-box:11434/"));
        lmStudio->setText(m_dir.filePath(QStringLiteral("lmstudio")));
        threads->setValue(1);
        dialog->accept();
        QCOMPARE(m_core->settings().ollamaUrl(), QStringLiteral("http://gpu-box:11434"));
        QCOMPARE(m_core->settings().lmStudioModelsDirectory(), m_dir.filePath(QStringLiteral("lmstudio")));
        QCOMPARE(m_core->settings().cpuThreads(), 1);
        const core::SystemInfo info = core::SystemInfo::collect();
        if (!info.cudaAvailable) {
            QCOMPARE(m_window->findChild<QLabel *>(QStringLiteral("computeDeviceLabel"))->text(),
                     QStringLiteral("Compute: CPU · 1 thread"));
        }
    }

    void settingsDialogExplainsABadUrlAndStaysOpen()
    {
        m_window->openSettings();
        auto *dialog = m_window->findChild<ui::SettingsDialog *>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(QStringLiteral("ollamaUrlEdit"))->setText(QStringLiteral("ftp://box"));
        dialog->accept();
        QVERIFY(dialog->isVisible());
        auto *error = dialog->findChild<QLabel *>(QStringLiteral("settingsError"));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("http://")), qPrintable(error->text()));
        QCOMPARE(m_core->settings().ollamaUrl(), QStringLiteral("http://localhost:11434"));
        dialog->reject();
    }

private:
    std::unique_ptr<ui::MainWindow> createWindow()
    {
        auto window = std::make_unique<ui::MainWindow>(*m_core);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            qWarning("the main window was not exposed");
        return window;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<core::AppCore> m_core;
    std::unique_ptr<ui::MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
