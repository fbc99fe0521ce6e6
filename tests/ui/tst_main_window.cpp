// GUI tests that drive the real main window on the offscreen platform: navigation through every page,
// restored geometry and last page, the status bar, About and Settings, and the REST API the window serves.
#include "AppCore.h"
#include "MainWindow.h"
#include "common/TestScreenshots.h"
#include "dialogs/AboutDialog.h"
#include "dialogs/SettingsDialog.h"
#include "jobs/JobQueue.h"
#include "jobs/TrainingRequest.h"
#include "pages/Page.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/SqlExec.h"
#include "store/Store.h"
#include "system/SystemInfo.h"

#include <QAction>
#include <QCheckBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTcpServer>
#include <QTcpSocket>
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

    void windowServesTheApiAndJobsMadeThroughItAppearAtOnce()
    {
        const quint16 port = freePort();
        m_core->settings().setApiPort(port);
        m_window->serveApi();
        auto *label = m_window->findChild<QLabel *>(QStringLiteral("apiStateLabel"));
        QVERIFY(label && label->isVisible());
        QCOMPARE(label->text(), QStringLiteral("API: 127.0.0.1:%1").arg(port));

        // A job made through the API is in the window when the answer comes: it went through the window's queue.
        const qint64 dataset = insertDataset();
        QVERIFY(m_window->page(PageId::TrainingJobs)->isShowingEmptyState());
        const QJsonObject made = request("POST", port, QStringLiteral("/api/v1/jobs/"),
                                         QJsonObject{{QStringLiteral("name"), QStringLiteral("From a script")},
                                                     {QStringLiteral("training_type"), QStringLiteral("rag")},
                                                     {QStringLiteral("dataset_id"), dataset}})
                                     .object();
        QVERIFY2(made.value(QStringLiteral("id")).toInteger() > 0, QJsonDocument(made).toJson());
        QVERIFY(!m_window->page(PageId::TrainingJobs)->isShowingEmptyState());
        m_window->showPage(PageId::TrainingJobs);
        m_window->resize(1200, 760);
        QTest::qWait(100);
        test::saveScreenshot(m_window.get(), QStringLiteral("window-api.png"));

        // And one made in the window is in the API's list.
        const core::JobInfo own = m_core->queue().create(
            core::TrainingRequest::fromJson(QJsonObject{{QStringLiteral("name"), QStringLiteral("In the window")},
                                                        {QStringLiteral("training_type"), QStringLiteral("rag")},
                                                        {QStringLiteral("dataset_id"), dataset}},
                                            QStringLiteral("the job")));
        QStringList names;
        for (const QJsonValue &job : request("GET", port, QStringLiteral("/api/v1/jobs/")).array())
            names << job.toObject().value(QStringLiteral("name")).toString();
        QVERIFY2(names.contains(QStringLiteral("From a script")) && names.contains(QStringLiteral("In the window")),
                 qPrintable(names.join(QLatin1String(", "))));
        QVERIFY(own.id > 0);
    }

    void apiOnABusyPortIsSaidAndSettingsMoveItOrTurnItOff()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost));
        m_core->settings().setApiPort(squatter.serverPort());
        m_window->serveApi();
        auto *label = m_window->findChild<QLabel *>(QStringLiteral("apiStateLabel"));
        QCOMPARE(label->text(), QStringLiteral("API: not running"));
        QVERIFY2(label->toolTip().contains(QString::number(squatter.serverPort())) &&
                     label->toolTip().contains(QStringLiteral("Settings")),
                 qPrintable(label->toolTip()));

        // Settings: another port; the API starts there at OK.
        const quint16 port = freePort();
        ui::SettingsDialog *dialog = openSettingsDialog();
        dialog->findChild<QSpinBox *>(QStringLiteral("apiPortSpin"))->setValue(port);
        dialog->accept();
        QCOMPARE(label->text(), QStringLiteral("API: 127.0.0.1:%1").arg(port));
        QCOMPARE(request("GET", port, QStringLiteral("/api/v1/health")).object().value(QStringLiteral("status")),
                 QStringLiteral("ok"));

        // Off: the label goes and the port closes.
        dialog = openSettingsDialog();
        dialog->findChild<QCheckBox *>(QStringLiteral("apiEnabledCheck"))->setChecked(false);
        dialog->accept();
        QVERIFY(!label->isVisible());
        QVERIFY(!m_core->settings().apiEnabled());
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!probe.waitForConnected(2000));
    }

    void settingsShowTheApiTokenAndRegenerateItOnlyAtOk()
    {
        const QString token = m_core->settings().apiToken();
        QCOMPARE(token.size(), 64);
        ui::SettingsDialog *dialog = openSettingsDialog();
        auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("apiTokenEdit"));
        auto *remote = dialog->findChild<QCheckBox *>(QStringLiteral("apiRemoteCheck"));
        QVERIFY(edit && remote);
        QCOMPARE(edit->text(), token);
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QVERIFY2(!edit->isEnabled(), "the token matters only to other computers");
        remote->setChecked(true);
        QVERIFY(edit->isEnabled());
        dialog->findChild<QPushButton *>(QStringLiteral("apiTokenShowButton"))->click();
        QCOMPARE(edit->echoMode(), QLineEdit::Normal);
        test::saveScreenshot(dialog, QStringLiteral("dialog-settings-api.png"));
        dialog->findChild<QPushButton *>(QStringLiteral("apiTokenRegenerateButton"))->click();
        const QString fresh = edit->text();
        QVERIFY(fresh != token && fresh.size() == 64);
        dialog->reject();
        QCOMPARE(m_core->settings().apiToken(), token); // Cancel keeps the old one
        QVERIFY(!m_core->settings().apiAcceptsRemote());

        dialog = openSettingsDialog();
        dialog->findChild<QCheckBox *>(QStringLiteral("apiRemoteCheck"))->setChecked(true);
        dialog->findChild<QPushButton *>(QStringLiteral("apiTokenRegenerateButton"))->click();
        const QString kept = dialog->findChild<QLineEdit *>(QStringLiteral("apiTokenEdit"))->text();
        dialog->accept();
        QCOMPARE(m_core->settings().apiToken(), kept);
        QVERIFY(kept != token);
        QVERIFY(m_core->settings().apiAcceptsRemote());
    }

private:
    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        return probe.serverPort();
    }

    qint64 insertDataset()
    {
        core::execSql(m_core->store().connection(),
                      QStringLiteral("INSERT INTO datasets (name, original_file_name, container, record_schema, "
                                     "record_count, bytes, sha256, storage_dir, created_at) VALUES ('d', 'd.jsonl', "
                                     "'jsonl', 'alpaca', 1, 10, 'x', 'datasets/1', 't')"));
        return 1;
    }

    // A request to the window's API, answered while the window's event loop runs (the API makes its changes there).
    QJsonDocument request(const QByteArray &method, quint16 port, const QString &path, const QJsonObject &body = {})
    {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = method == "POST"
                                   ? network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact))
                                   : network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(20000))
            qWarning("no answer from the window's API");
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll());
    }

    ui::SettingsDialog *openSettingsDialog()
    {
        m_window->openSettings();
        QList<ui::SettingsDialog *> dialogs =
            m_window->findChildren<ui::SettingsDialog *>(QStringLiteral("settingsDialog"));
        return dialogs.isEmpty() ? nullptr : dialogs.last();
    }

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
