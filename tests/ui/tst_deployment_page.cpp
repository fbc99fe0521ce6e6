// The Deployment page with a completed job: the Modelfile preview follows the choices, Deploy to Ollama creates
// the model in a strict stand-in server and shows both answers while the window keeps answering, Install into LM
// Studio writes the file and asks before replacing it, and a server that refuses or is down is explained.
// With MTM_TEST_SCREENSHOTS set to a folder, the page is saved there at each stage, to be looked at.
#include "AppCore.h"
#include "AppResources.h"
#include "MainWindow.h"
#include "Translations.h"
#include "common/FakeOllama.h"
#include "common/TestScreenshots.h"
#include "data/SampleDataset.h"
#include "dialogs/FileDialog.h"
#include "dialogs/MessageBox.h"
#include "jobs/JobCatalog.h"
#include "pages/DeploymentPage.h"
#include "rag/RagBuild.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "widgets/TaskProgressDialog.h"

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace mtm;

class TestDeploymentPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::FakeOllama> m_server;
    std::unique_ptr<core::AppCore> m_core;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::DeploymentPage *m_page = nullptr;
    qint64 m_job = 0;

    void screenshot(const QString &name, QWidget *widget = nullptr)
    {
        test::saveScreenshot(widget ? widget : m_window.get(), name);
    }

    template <typename T> T *child(const char *name) { return m_page->findChild<T *>(QLatin1String(name)); }

private slots:
    void initTestCase()
    {
        QVERIFY(ui::installTranslations(*QCoreApplication::instance()));
        QVERIFY(m_dir.isValid());
        qputenv(core::DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        qunsetenv("OLLAMA_HOST");
        m_server =
            std::make_unique<test::FakeOllama>(m_dir.filePath(QStringLiteral("blobs")), test::FakeOllama::Options{});
        auto settings = std::make_unique<core::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        settings->setCpuThreads(1);
        settings->setOllamaUrl(m_server->url());
        settings->setLmStudioModelsDirectory(m_dir.filePath(QStringLiteral("lmstudio")));
        m_core = std::make_unique<core::AppCore>(std::move(settings),
                                                 core::AppResources::inSourceTree(QStringLiteral(MTM_SOURCE_DIR)));
        QVERIFY(core::importSampleDatasetOnFirstStart(*m_core));
        // A completed full fine-tune: the starter model as its standard_model/ (the queue is not started).
        const core::JobInfo job = m_core->jobs().create(core::TrainingRequest::fromJson(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Support bot")},
                        {QStringLiteral("training_type"), QStringLiteral("standard")},
                        {QStringLiteral("dataset"), QStringLiteral("Starter examples")}},
            QStringLiteral("test")));
        m_job = job.id;
        QVERIFY(QDir().mkpath(job.outputFolder()));
        const QDir starter(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"));
        for (const QString &file : starter.entryList(QDir::Files))
            QVERIFY(QFile::copy(starter.filePath(file), job.outputFolder() + QLatin1Char('/') + file));
        m_core->jobs().finish(job.id, core::JobState::Completed);

        m_window = std::make_unique<ui::MainWindow>(*m_core);
        m_window->resize(1200, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->showPage(ui::MainWindow::PageId::Deployment);
        m_page = static_cast<ui::DeploymentPage *>(m_window->page(ui::MainWindow::PageId::Deployment));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_core.reset();
        m_server.reset();
    }

    void thePreviewFollowsTheChoices()
    {
        QVERIFY(!m_page->isShowingEmptyState());
        QCOMPARE(m_page->selectedJobId(), m_job);
        QTRY_VERIFY(m_page->modelfilePreview().contains(QStringLiteral("\nFROM ./model-q4_k_m.gguf\n")));
        QVERIFY(m_page->modelfilePreview().contains(QStringLiteral("PARAMETER stop \"<|eot_id|>\"")));
        QVERIFY(!child<QRadioButton>("ollamaAdapterRoute")->isEnabled()); // a full fine-tune has no adapter
        auto *type = child<QComboBox>("ollamaType");
        type->setCurrentIndex(type->findData(QStringLiteral("f16")));
        QVERIFY(m_page->modelfilePreview().contains(QStringLiteral("\nFROM ./model-f16.gguf\n")));
        // The forms it can be shipped in, with their sizes, for the type chosen; a full fine-tune has no adapter.
        const auto *forms = child<QLabel>("deployableForms");
        QTRY_VERIFY2(forms->text().contains(QStringLiteral("GGUF at F16")), qPrintable(forms->text()));
        QVERIFY2(forms->text().contains(QStringLiteral("Ollama, LM Studio")) &&
                     forms->text().contains(QStringLiteral("The model folder (safetensors)")) &&
                     !forms->text().contains(QStringLiteral("ADAPTER")),
                 qPrintable(forms->text()));
        child<QLineEdit>("ollamaSystem")->setText(QStringLiteral("Answer in one sentence."));
        QVERIFY(m_page->modelfilePreview().contains(QStringLiteral("SYSTEM \"\"\"Answer in one sentence.\"\"\"")));
        QCOMPARE(child<QLineEdit>("ollamaName")->text(), QStringLiteral("support-bot"));
        screenshot(QStringLiteral("deployment-ollama.png"));
    }

    void deployingKeepsTheWindowAnsweringAndShowsBothAnswers()
    {
        // A 20 ms timer measures how late the window serves it while the export and upload run.
        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        QTimer probe;
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
        });
        clock.start();
        probe.start(20);
        child<QTabWidget>("deploymentTargets")->setCurrentIndex(0);
        QTest::mouseClick(child<QPushButton>("deployOllamaButton"), Qt::LeftButton);
        QVERIFY(m_page->isBusy());
        QVERIFY(!child<QPushButton>("deployOllamaButton")->isEnabled());
        bool sawProgress = false;
        QTRY_VERIFY_WITH_TIMEOUT(
            (sawProgress = sawProgress || m_page->findChild<ui::TaskProgressDialog *>(), !m_page->isBusy()), 120000);
        probe.stop();
        QVERIFY(sawProgress);
        const QString answers = child<QLabel>("ollamaAnswers")->text();
        QVERIFY2(answers.contains(QStringLiteral("Created support-bot")), qPrintable(answers));
        QVERIFY2(answers.contains(QStringLiteral("Hello from the fake Ollama.")), qPrintable(answers));
        QVERIFY2(worst < 500, qPrintable(QStringLiteral("the window did not answer for %1 ms").arg(worst)));
        const QJsonObject create = m_server->lastCreate();
        QCOMPARE(create.value(QStringLiteral("model")).toString(), QStringLiteral("support-bot"));
        QCOMPARE(create.value(QStringLiteral("system")).toString(), QStringLiteral("Answer in one sentence."));
        QVERIFY(create.value(QStringLiteral("files")).toObject().contains(QStringLiteral("model-f16.gguf")));
        QVERIFY(QFileInfo::exists(m_core->jobs().require(m_job).directory + QStringLiteral("/ollama/Modelfile")));
        screenshot(QStringLiteral("deployment-ollama-answers.png"));
    }

    void anEditedModelfileIsCheckedDeployedAndKept()
    {
        auto *editor = child<QPlainTextEdit>("modelfilePreview");
        auto *state = child<QLabel>("modelfileState");
        QVERIFY(!m_page->isModelfileEdited() && !child<QPushButton>("resetModelfile")->isVisible());
        editor->moveCursor(QTextCursor::End);
        QTest::keyClicks(editor, QStringLiteral("PARAMETER temperature 0.3"));
        QVERIFY(m_page->isModelfileEdited());
        QVERIFY2(state->text().contains(QStringLiteral("Your Modelfile")), qPrintable(state->text()));
        QVERIFY(!child<QComboBox>("ollamaType")->isEnabled() && !child<QLineEdit>("ollamaSystem")->isEnabled());
        QVERIFY(child<QPushButton>("resetModelfile")->isVisible());
        // A mistake is shown with its line at once, and nothing can be deployed until it is mended.
        QTest::keyClicks(editor, QStringLiteral("x"));
        const int line = int(m_page->modelfilePreview().count(QLatin1Char('\n'))) + 1;
        QVERIFY2(state->text().contains(QStringLiteral("line %1: PARAMETER temperature takes a number").arg(line)),
                 qPrintable(state->text()));
        QVERIFY(!child<QPushButton>("deployOllamaButton")->isEnabled());
        screenshot(QStringLiteral("deployment-modelfile-mistake.png"));
        QTest::keyClick(editor, Qt::Key_Backspace);
        QVERIFY(child<QPushButton>("deployOllamaButton")->isEnabled());
        const QString edited = m_page->modelfilePreview();
        // Kept on disk: another page (the app started again) shows the edit.
        const QString draft = m_core->jobs().require(m_job).directory + QStringLiteral("/ollama/Modelfile.draft");
        QTRY_VERIFY(QFileInfo::exists(draft));
        {
            ui::DeploymentPage again(*m_core);
            QTRY_VERIFY(again.isModelfileEdited());
            QCOMPARE(again.modelfilePreview(), edited);
            // The choices it was written for come back with it (F16, not the default Q4_K_M), so it deploys.
            QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("ollamaType"))->currentData().toString(),
                     QStringLiteral("f16"));
            QVERIFY(again.findChild<QPushButton *>(QStringLiteral("deployOllamaButton"))->isEnabled());
        }
        // Deployed as it says.
        QTest::mouseClick(child<QPushButton>("deployOllamaButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 120000);
        const QJsonObject parameters = m_server->lastCreate().value(QStringLiteral("parameters")).toObject();
        QCOMPARE(parameters.value(QStringLiteral("temperature")).toDouble(), 0.3);
        // Reset: the Modelfile of the choices again, the draft gone.
        QTest::mouseClick(child<QPushButton>("resetModelfile"), Qt::LeftButton);
        QVERIFY(!m_page->isModelfileEdited() && !QFileInfo::exists(draft));
        QVERIFY(child<QComboBox>("ollamaType")->isEnabled());
        QVERIFY(!m_page->modelfilePreview().contains(QStringLiteral("PARAMETER temperature 0.3")));
        QVERIFY(m_page->modelfilePreview().contains(QStringLiteral("\nFROM ./model-f16.gguf\n")));
    }

    void theQualityCheckShowsTheThreeLosses()
    {
        QTest::mouseClick(child<QPushButton>("checkQualityButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 120000);
        const QString text = child<QLabel>("qualityCheck")->text();
        QVERIFY2(text.contains(QStringLiteral("Held-out loss")) && text.contains(QStringLiteral("GGUF at F16")),
                 qPrintable(text));
        // This job's "fine-tuned" model is its base (the starter model copied): the same loss, and F16 keeps it.
        const QRegularExpressionMatch losses =
            QRegularExpression(QStringLiteral("base model ([0-9.]+) · fine-tuned ([0-9.]+)")).match(text);
        QVERIFY2(losses.hasMatch(), qPrintable(text));
        QCOMPARE(losses.captured(1), losses.captured(2));
        screenshot(QStringLiteral("deployment-quality.png"));
    }

    void aServerThatIsDownIsExplained()
    {
        m_core->settings().setOllamaUrl(QStringLiteral("http://127.0.0.1:9")); // nothing listens on the discard port
        ui::MessageBox::setNextAnswer(QMessageBox::Ok);
        QTest::mouseClick(child<QPushButton>("deployOllamaButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 60000);
        QVERIFY2(ui::MessageBox::lastAnsweredText().contains(QStringLiteral("does not answer")),
                 qPrintable(ui::MessageBox::lastAnsweredText()));
        m_core->settings().setOllamaUrl(m_server->url());
    }

    void aStalledServerShowsItsProgressAndCancels()
    {
        test::FakeOllama::Options stall;
        stall.behaviour = test::FakeOllama::Behaviour::Stall;
        test::FakeOllama stalled(m_dir.filePath(QStringLiteral("blobs-stalled")), stall);
        m_core->settings().setOllamaUrl(stalled.url());
        QSignalSpy status(m_page, &ui::Page::statusMessage);
        QTest::mouseClick(child<QPushButton>("deployOllamaButton"), Qt::LeftButton);
        ui::TaskProgressDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::TaskProgressDialog *>()) && dialog->isVisible());
        QVERIFY2(dialog->labelText().contains(QStringLiteral("Checking Ollama")), qPrintable(dialog->labelText()));
        screenshot(QStringLiteral("deployment-progress.png"), dialog);
        QElapsedTimer cancelled;
        cancelled.start();
        QTest::mouseClick(dialog->findChild<QPushButton *>(), Qt::LeftButton); // its Cancel button
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 5000);
        QVERIFY2(cancelled.elapsed() < 3000, qPrintable(QString::number(cancelled.elapsed())));
        QVERIFY(!status.isEmpty());
        QVERIFY2(status.last().at(0).toString().contains(QStringLiteral("Cancelled")),
                 qPrintable(status.last().at(0).toString()));
        m_core->settings().setOllamaUrl(m_server->url());
    }

    void installingIntoLmStudioAsksBeforeReplacing()
    {
        child<QTabWidget>("deploymentTargets")->setCurrentIndex(1);
        QSignalSpy status(m_page, &ui::Page::statusMessage);
        QTest::mouseClick(child<QPushButton>("installLmStudioButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty() && !m_page->isBusy(), 60000);
        QVERIFY2(status.last().at(0).toString().contains(QStringLiteral("Installed")),
                 qPrintable(status.last().at(0).toString()));
        screenshot(QStringLiteral("deployment-lmstudio-installed.png"));
        const QString file =
            m_dir.filePath(QStringLiteral("lmstudio/model-training-manager/support-bot/support-bot-Q4_K_M.gguf"));
        QVERIFY(QFileInfo(file).size() > 0);
        const QDateTime written = QFileInfo(file).lastModified();
        // Again: the user is asked, and Cancel keeps the file as it was.
        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        m_page->installIntoLmStudio();
        QVERIFY(ui::MessageBox::lastAnsweredText().contains(QStringLiteral("LM Studio already has")));
        QVERIFY(!m_page->isBusy());
        QCOMPARE(QFileInfo(file).lastModified(), written);
    }

    // A RAG job is listed too: its Retrieval Service tab (and Archive) instead of the model targets; Start serves
    // its index at the port chosen, Stop ends it.
    void aRagJobsIndexIsServedFromThePage()
    {
        const core::JobInfo job = m_core->jobs().create(core::TrainingRequest::fromJson(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("FAQ index")},
                        {QStringLiteral("training_type"), QStringLiteral("rag")},
                        {QStringLiteral("dataset"), QStringLiteral("Starter examples")}},
            QStringLiteral("test")));
        core::RagBuildRequest build;
        build.recordsFile = job.request.recordsFile(*m_core, QStringLiteral("test"));
        build.outputFolder = job.outputFolder();
        build.corpus = core::corpusDocuments(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-corpus"));
        core::buildRagModel(build, {});
        m_core->jobs().finish(job.id, core::JobState::Completed);
        m_page->refresh();
        m_page->selectJob(job.id);
        QCOMPARE(m_page->selectedJobId(), job.id);
        auto *targets = child<QTabWidget>("deploymentTargets");
        const auto visible = [&](const QString &title) {
            for (int i = 0; i < targets->count(); ++i)
                if (targets->tabText(i) == title)
                    return targets->isTabVisible(i);
            return false;
        };
        QVERIFY(visible(QStringLiteral("Retrieval Service")) && visible(QStringLiteral("Archive")));
        QVERIFY(!visible(QStringLiteral("Ollama")) && !visible(QStringLiteral("LM Studio")));
        for (int i = 0; i < targets->count(); ++i)
            if (targets->tabText(i) == QStringLiteral("Retrieval Service"))
                targets->setCurrentIndex(i);
        const int port = 20000 + int(QCoreApplication::applicationPid() % 20000);
        child<QSpinBox>("servicePort")->setValue(port);
        QTest::mouseClick(child<QPushButton>("serviceButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->servicePort() == port, 30000);
        QVERIFY2(child<QLabel>("serviceState")->text().contains(QStringLiteral("Running")),
                 qPrintable(child<QLabel>("serviceState")->text()));
        screenshot(QStringLiteral("deployment-retrieval-service.png"));
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/retrieve").arg(port)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = network.post(request, R"({"query": "How do I import a dataset?", "top_k": 2})");
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 30000);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        QCOMPARE(answer.value(QStringLiteral("documents")).toArray().size(), 2);
        QVERIFY(answer.value(QStringLiteral("documents")).toArray()[0].toString().contains(QStringLiteral("import")));
        QTest::mouseClick(child<QPushButton>("serviceButton"), Qt::LeftButton);
        QCOMPARE(m_page->servicePort(), 0);
        QVERIFY(child<QLabel>("serviceState")->text().contains(QStringLiteral("Stopped")));
    }

    void aDownloadedArchiveIsImportedAgain()
    {
        m_page->selectJob(m_job);
        child<QTabWidget>("deploymentTargets")->setCurrentIndex(2);
        const QString archive = m_dir.filePath(QStringLiteral("model_job_%1.tar.gz").arg(m_job));
        ui::FileDialog::setNextFiles({archive});
        QTest::mouseClick(child<QPushButton>("deploymentDownloadButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 60000);
        QVERIFY(QFileInfo(archive).size() > 0);

        ui::FileDialog::setNextFiles({archive});
        QTest::mouseClick(child<QPushButton>("importArchiveButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 60000);
        const QString model =
            m_dir.filePath(QStringLiteral("data/models/imported/model_job_%1/standard_model").arg(m_job));
        QVERIFY2(child<QLabel>("importedArchive")->text().contains(model),
                 qPrintable(child<QLabel>("importedArchive")->text()));
        QVERIFY(QFileInfo(model + QStringLiteral("/config.json")).size() > 0);
        screenshot(QStringLiteral("deployment-archive-imported.png"));
        // Opened before: said so, and the folder is left as it is.
        ui::MessageBox::setNextAnswer(QMessageBox::Ok);
        ui::FileDialog::setNextFiles({archive});
        QTest::mouseClick(child<QPushButton>("importArchiveButton"), Qt::LeftButton);
        QVERIFY2(ui::MessageBox::lastAnsweredText().contains(QStringLiteral("was opened before")),
                 qPrintable(ui::MessageBox::lastAnsweredText()));
        QVERIFY(!m_page->isBusy());
    }
};

QTEST_MAIN(TestDeploymentPage)
#include "tst_deployment_page.moc"
