// GUI tests of the Training Jobs page on the real main window: a job started from the New Job dialog runs to the
// end on the CPU with its chart drawn and an adapter the engine loads; cancel, resume, retry, duplicate and delete
// through the page's buttons; a job queued by another process shows up; an interrupted job is offered for resume.
#include "AppCore.h"
#include "MainWindow.h"
#include "Translations.h"
#include "common/FakeOllama.h"
#include "common/TestScreenshots.h"
#include "data/SampleDataset.h"
#include "dialogs/FileDialog.h"
#include "dialogs/InputDialog.h"
#include "dialogs/MessageBox.h"
#include "dialogs/NewJobDialog.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "model/LanguageModel.h"
#include "models/JobTableModel.h"
#include "pages/TrainingJobsPage.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "widgets/JobAsk.h"
#include "widgets/JobChat.h"
#include "widgets/LossChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QtEndian>
#include <QtTest>

#include <memory>

using namespace mtm;

class TestTrainingJobsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<core::AppCore> m_core;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::TrainingJobsPage *m_page = nullptr;

    QPushButton *button(const char *name) const { return m_page->findChild<QPushButton *>(QLatin1String(name)); }
    QTableView *table() const { return m_page->findChild<QTableView *>(QStringLiteral("jobsTable")); }
    core::JobState stateOf(qint64 id) const { return m_core->jobs().require(id).state; }
    bool waitForState(qint64 id, core::JobState state, int timeoutMs = 120000)
    {
        return QTest::qWaitFor([&] { return stateOf(id) == state; }, timeoutMs);
    }

    // A long job on the starter model, without the dialog.
    static core::TrainingRequest longJob()
    {
        return core::TrainingRequest::fromJson(
            QJsonObject{{QStringLiteral("dataset"), QStringLiteral("Starter examples")},
                        {QStringLiteral("epochs"), 200},
                        {QStringLiteral("save_steps"), 2}},
            QStringLiteral("test"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(ui::installTranslations(*QCoreApplication::instance()));
        QVERIFY(m_dir.isValid());
        qputenv(core::DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        auto settings = std::make_unique<core::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        settings->setCpuThreads(1);
        m_core = std::make_unique<core::AppCore>(std::move(settings),
                                                 core::AppResources::inSourceTree(QStringLiteral(MTM_SOURCE_DIR)));
        QVERIFY(core::importSampleDatasetOnFirstStart(*m_core));
        m_window = std::make_unique<ui::MainWindow>(*m_core);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_core->queue().start();
        m_window->showPage(ui::MainWindow::PageId::TrainingJobs);
        m_page = static_cast<ui::TrainingJobsPage *>(m_window->page(ui::MainWindow::PageId::TrainingJobs));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_core.reset();
    }

    void aJobStartedFromTheDialogRunsToTheEnd()
    {
        QVERIFY(m_page->isShowingEmptyState());
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("newJobButton")), Qt::LeftButton);
        ui::NewJobDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::NewJobDialog *>(QStringLiteral("newJobDialog"))));
        QCOMPARE(dialog->findChild<QComboBox *>(QStringLiteral("jobBaseModel"))->currentData().toString(),
                 QStringLiteral("starter"));
        QVERIFY(dialog->findChild<QComboBox *>(QStringLiteral("jobDataset"))
                    ->currentText()
                    .startsWith(QStringLiteral("Starter examples")));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QLabel *>(QStringLiteral("jobBaseModelNote"))
                                     ->text()
                                     .contains(QStringLiteral("llama, 3.4 M parameters")),
                                 20000);
        // A value out of range is explained next to its field, and Start waits for a good one.
        auto *rate = dialog->findChild<QLineEdit *>(QStringLiteral("jobLearningRate"));
        rate->setText(QStringLiteral("7"));
        QVERIFY(!dialog->startButton()->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("problem_learning_rate"))
                    ->text()
                    .contains(QStringLiteral("learning_rate must be above 0 and below 1")));
        rate->setText(QStringLiteral("3e-3"));
        dialog->findChild<QSpinBox *>(QStringLiteral("jobEpochs"))->setValue(1);
        QCOMPARE(dialog->findChild<QSpinBox *>(QStringLiteral("jobCpuThreads"))->value(), 1); // the app's setting
        QVERIFY(dialog->startButton()->isEnabled());
        // Before Start, the plan: the sample's 300 records, 10 % held out, batches of 4.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->planText().contains(QStringLiteral("steps")), 20000);
        QVERIFY2(dialog->planText().contains(QStringLiteral("300 records: 270 to train on, 30 held out")),
                 qPrintable(dialog->planText()));
        QVERIFY2(dialog->planText().contains(QStringLiteral("68 steps (68 an epoch)")), qPrintable(dialog->planText()));
        QVERIFY2(dialog->planText().contains(QStringLiteral("Time: about ")), qPrintable(dialog->planText()));
        QVERIFY2(dialog->planText().contains(QStringLiteral("in RAM at its peak, of ")),
                 qPrintable(dialog->planText()));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("jobMemoryWarning"))->isHidden()); // the starter model fits
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);

        QTRY_COMPARE(table()->model()->rowCount(), 1);
        const qint64 id = m_page->selectedJobId();
        QVERIFY(id > 0);
        QVERIFY(waitForState(id, core::JobState::Completed));
        auto *chart = m_page->findChild<ui::LossChart *>(QStringLiteral("lossChart"));
        QTRY_VERIFY(chart->trainingPoints() > 10);
        QVERIFY(chart->evaluationPoints() >= 2);
        QTRY_COMPARE(table()->model()->index(0, ui::JobTableModel::State).data().toString(),
                     QStringLiteral("Completed"));
        QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("jobSummary"))
                    ->text()
                    .contains(QStringLiteral("adapter_model.safetensors")));

        const core::JobInfo job = m_core->jobs().require(id);
        QVERIFY(QFileInfo::exists(job.outputFolder() + QStringLiteral("/adapter_model.safetensors")));
        const auto model = core::LanguageModel::open(job.outputFolder(), {});
        QVERIFY(model->summary().contains(QStringLiteral("with the LoRA adapter")));
        core::GenerationSettings settings;
        settings.maxNewTokens = 4;
        settings.temperature = 0;
        QVERIFY(model->chat({{QStringLiteral("user"), QStringLiteral("Say hello.")}}, settings, {}).generatedTokens >
                0);

        // The Chat tab: the fine-tuned model and its base answer the same message.
        auto *chat = m_page->findChild<ui::JobChat *>(QStringLiteral("jobChat"));
        QVERIFY(chat);
        chat->findChild<QSpinBox *>()->setValue(12); // the longest answer
        chat->send(QStringLiteral("What is 4 plus 5?"));
        QVERIFY(chat->isAnswering());
        QTRY_VERIFY_WITH_TIMEOUT(chat->transcript(false).contains(QStringLiteral("Base model")), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!chat->isAnswering(), 60000);
        for (const bool fineTuned : {true, false}) {
            const QString transcript = chat->transcript(fineTuned);
            QVERIFY2(transcript.contains(QStringLiteral("What is 4 plus 5?")), qPrintable(transcript));
            QVERIFY2(transcript.trimmed().count(QLatin1Char('\n')) >= 3, qPrintable(transcript)); // an answer
        }
        QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("chatStatus"))->text().contains(QStringLiteral("llama")));

        // Download: the model as a .tar.gz, written in the background; the page says where it went.
        auto *download = m_page->findChild<QPushButton *>(QStringLiteral("downloadJobButton"));
        QVERIFY(download->isEnabled());
        const QString archive = m_dir.filePath(QStringLiteral("model_job_%1.tar.gz").arg(id));
        ui::FileDialog::setNextFiles({archive});
        QSignalSpy status(m_page, &ui::Page::statusMessage);
        QTest::mouseClick(download, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty(), 20000);
        QVERIFY2(status.last().at(0).toString().contains(QStringLiteral("Saved the model as")),
                 qPrintable(status.last().at(0).toString()));
        QVERIFY(QFileInfo(archive).size() > 0);
        QTRY_VERIFY(download->isEnabled());
    }

    // A job bigger than this machine is refused before it starts: the plan reads the model's config.json and
    // tokenizer only, so a folder that describes a 70 B Llama (with one tiny tensor) is enough to ask for it.
    void aJobThatWillNotFitIsWarnedAbout()
    {
        const QString folder = m_dir.filePath(QStringLiteral("llama-70b-shape"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(QFile::copy(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model/tokenizer.json"),
                            folder + QStringLiteral("/tokenizer.json")));
        QFile config(folder + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 2048,
            "hidden_size": 8192, "intermediate_size": 28672, "num_hidden_layers": 80, "num_attention_heads": 64,
            "num_key_value_heads": 8, "max_position_embeddings": 8192, "rms_norm_eps": 1e-5,
            "rope_theta": 500000.0, "torch_dtype": "bfloat16"})");
        config.close();
        const QByteArray header = R"({"model.embed_tokens.weight":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}})";
        QFile weights(folder + QStringLiteral("/model.safetensors"));
        QVERIFY(weights.open(QIODevice::WriteOnly));
        const quint64 length = qToLittleEndian(quint64(header.size()));
        weights.write(reinterpret_cast<const char *>(&length), sizeof length);
        weights.write(header + QByteArray(2, '\0'));
        weights.close();

        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("newJobButton")), Qt::LeftButton);
        ui::NewJobDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::NewJobDialog *>(QStringLiteral("newJobDialog"))));
        dialog->chooseModelFolder(folder);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->planText().contains(QStringLiteral("This job will not fit")), 20000);
        auto *warning = dialog->findChild<QLabel *>(QStringLiteral("jobMemoryWarning"));
        QVERIFY(!warning->isHidden());
        // Its weights alone are beyond this machine (QLoRA makes its 4-bit copy from the 16-bit weights).
        QVERIFY2(warning->text().contains(QStringLiteral("Choose a smaller model")), qPrintable(warning->text()));
        if (qEnvironmentVariableIsSet("MTM_TEST_SHOT"))
            dialog->grab().save(qEnvironmentVariable("MTM_TEST_SHOT"));
        // Back to the starter model: the warning goes.
        auto *model = dialog->findChild<QComboBox *>(QStringLiteral("jobBaseModel"));
        model->setCurrentIndex(model->findData(QStringLiteral("starter")));
        emit model->activated(model->currentIndex()); // as a choice in the list does
        QTRY_VERIFY_WITH_TIMEOUT(dialog->planText().contains(QStringLiteral("Memory: about")) &&
                                     !dialog->planText().contains(QStringLiteral("will not fit")),
                                 20000);
        QVERIFY(warning->isHidden());
        dialog->reject();
    }

    void cancelResumeAndDeleteThroughThePage()
    {
        const qint64 id = m_core->queue().create(longJob()).id;
        m_page->selectJob(id);
        QVERIFY(QTest::qWaitFor([&] { return m_core->queue().isRunningHere(id); }, 30000));
        QTRY_VERIFY(button("cancelJobButton")->isEnabled());
        QVERIFY(!button("deleteJobButton")->isEnabled()); // not while it runs

        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("cancelJobButton"), Qt::LeftButton);
        QVERIFY(waitForState(id, core::JobState::Cancelled));
        QTRY_VERIFY(button("resumeJobButton")->isEnabled());

        QTest::mouseClick(button("resumeJobButton"), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return m_core->queue().isRunningHere(id); }, 30000));
        QTRY_VERIFY(m_page->findChild<QLabel *>(QStringLiteral("jobFigures"))->text().contains(QStringLiteral("Step")));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("cancelJobButton"), Qt::LeftButton);
        QVERIFY(waitForState(id, core::JobState::Cancelled));

        // Duplicate fills the dialog with the job's settings.
        QTest::mouseClick(button("duplicateJobButton"), Qt::LeftButton);
        ui::NewJobDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::NewJobDialog *>(QStringLiteral("newJobDialog"))));
        QCOMPARE(dialog->findChild<QSpinBox *>(QStringLiteral("jobEpochs"))->value(), 200);
        dialog->reject();

        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTRY_VERIFY(button("deleteJobButton")->isEnabled());
        QTest::mouseClick(button("deleteJobButton"), Qt::LeftButton);
        QVERIFY(m_core->jobs().find(id));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("deleteJobButton"), Qt::LeftButton);
        QVERIFY(!m_core->jobs().find(id));
        QTRY_VERIFY(qobject_cast<ui::JobTableModel *>(table()->model())->rowOf(id) < 0);
    }

    void anInterruptedJobIsOfferedForResumeAtStart()
    {
        // A job whose runner died: created and claimed for a process that is gone, before the queue's next tick.
        const qint64 id = m_core->jobs().create(longJob()).id;
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForStarted());
        const qint64 deadPid = gone.processId();
        QVERIFY(gone.waitForFinished());
        QVERIFY(m_core->jobs().claim(id, deadPid));
        QCOMPARE(m_core->jobs().markInterrupted(), QVector<qint64>{id});

        m_window->showPage(ui::MainWindow::PageId::Datasets);
        ui::MessageBox::setNextAnswer(QMessageBox::No); // Not Now: it stays interrupted
        m_window->offerToResumeInterruptedJobs();
        QCOMPARE(stateOf(id), core::JobState::Interrupted);
        QCOMPARE(m_window->currentPage(), ui::MainWindow::PageId::Datasets);

        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        m_window->offerToResumeInterruptedJobs();
        QCOMPARE(m_window->currentPage(), ui::MainWindow::PageId::TrainingJobs);
        QVERIFY(QTest::qWaitFor([&] { return m_core->queue().isRunningHere(id); }, 30000));
        m_core->queue().cancel(id);
        QVERIFY(waitForState(id, core::JobState::Cancelled));
    }

    void aJobQueuedByAnotherProcessShowsUp()
    {
        // Another connection to the store stands for the command line: its commit is noticed within a tick.
        const int before = table()->model()->rowCount();
        qint64 id = 0;
        QThread *other = QThread::create([&] { id = m_core->jobs().create(longJob()).id; });
        other->start();
        QVERIFY(other->wait(30000));
        delete other;
        QTRY_COMPARE_WITH_TIMEOUT(table()->model()->rowCount(), before + 1, 10000);
        m_core->queue().cancel(id);
        QVERIFY(waitForState(id, core::JobState::Cancelled));
    }

    // A RAG job builds its index and is asked on its Ask tab (its Chat tab is hidden): the chunks found, with
    // scores and sources, and an answer the starter model writes from them.
    void aRagJobIsAskedOnItsAskTab()
    {
        const qint64 id = m_core->jobs()
                              .create(core::TrainingRequest::fromJson(
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("FAQ index")},
                                              {QStringLiteral("training_type"), QStringLiteral("rag")},
                                              {QStringLiteral("dataset"), QStringLiteral("Starter examples")}},
                                  QStringLiteral("test")))
                              .id;
        QVERIFY(waitForState(id, core::JobState::Completed));
        m_page->selectJob(id);
        auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("jobDetails"));
        QVERIFY(tabs);
        auto *ask = m_page->findChild<ui::JobAsk *>(QStringLiteral("jobAsk"));
        QVERIFY(tabs->isTabVisible(tabs->indexOf(ask)));
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(m_page->findChild<ui::JobChat *>())));
        tabs->setCurrentWidget(ask);
        // The page learns of the job's end from the queue a moment after the catalog has it.
        QTRY_VERIFY(ask->findChild<QLineEdit *>(QStringLiteral("askQuestion"))->isEnabled());
        ask->ask(QStringLiteral("How do I import a dataset?"));
        QTRY_VERIFY_WITH_TIMEOUT(!ask->isBusy(), 60000);
        QVERIFY2(ask->shown().contains(QStringLiteral("Drop a CSV, JSON or JSONL file")), qPrintable(ask->shown()));
        QVERIFY2(ask->shown().contains(QStringLiteral("score ")), qPrintable(ask->shown()));
        ask->setAnswerModel(QStringLiteral("starter"));
        ask->ask(QStringLiteral("How can I export a dataset?"));
        QTRY_VERIFY_WITH_TIMEOUT(!ask->isBusy(), 120000);
        const QString shown = ask->shown();
        const qsizetype answer = shown.indexOf(QStringLiteral("Answer"));
        QVERIFY2(answer > 0 && shown.size() > answer + 20, qPrintable(shown)); // something written after it
        m_window->resize(1200, 760);
        QTest::qWait(100);
        test::saveScreenshot(m_window.get(), QStringLiteral("job-ask.png"));
    }

    // A RAG job stopped while it fine-tunes its generator keeps its index: resumed, it goes on with the generator
    // from its checkpoint instead of building the index again.
    void aRagJobResumedWhileItTrainsItsGeneratorKeepsItsIndex()
    {
        const qint64 id = m_core->queue()
                              .create(core::TrainingRequest::fromJson(
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("Index, long generator")},
                                              {QStringLiteral("training_type"), QStringLiteral("rag")},
                                              {QStringLiteral("fine_tune_generator"), true},
                                              {QStringLiteral("epochs"), 100},
                                              {QStringLiteral("save_steps"), 5},
                                              {QStringLiteral("dataset"), QStringLiteral("Starter examples")}},
                                  QStringLiteral("test")))
                              .id;
        const auto logged = [&](const QString &text) {
            const auto lines = m_core->jobs().log(id);
            return std::any_of(lines.begin(), lines.end(),
                               [&](const core::JobLogLine &line) { return line.message.contains(text); });
        };
        const QString index = m_core->jobs().require(id).directory + QStringLiteral("/rag_model/rag_config.json");
        // Past the index and a checkpoint of the generator.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const core::JobInfo job = m_core->jobs().require(id);
                return logged(QStringLiteral("Fine-tuning the generator")) && job.totalSteps != 1000 && job.step > 6;
            },
            120000));
        QVERIFY(QFileInfo::exists(index));
        const QDateTime built = QFileInfo(index).lastModified();
        m_core->queue().cancel(id);
        QVERIFY(waitForState(id, core::JobState::Cancelled));
        m_core->queue().resume(id);
        QVERIFY(QTest::qWaitFor([&] { return logged(QStringLiteral("going on with the generator")); }, 60000));
        QVERIFY(logged(QStringLiteral("Continuing from step")));
        m_core->queue().cancel(id);
        QVERIFY(waitForState(id, core::JobState::Cancelled));
        QCOMPARE(QFileInfo(index).lastModified(), built); // the index was not built again
    }

    // A RAG job made in the New Job dialog, with a generator: the index settings shown for RAG alone, the training
    // settings only when a generator is fine-tuned. The job writes lora_model/ beside rag_model/, shows both its
    // Chat and its Ask tabs, and answers with its generator unless another is chosen; a model in Ollama, chosen
    // from the server's list, answers too, streamed, with the guide's prompt.
    void aRagJobWithAGeneratorAnswersWithItOrWithAModelInOllama()
    {
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("newJobButton")), Qt::LeftButton);
        ui::NewJobDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::NewJobDialog *>(QStringLiteral("newJobDialog"))));
        auto *rag = dialog->findChild<QGroupBox *>(QStringLiteral("ragGroup"));
        auto *training = dialog->findChild<QGroupBox *>(QStringLiteral("trainingGroup"));
        QVERIFY(rag->isHidden());
        auto *method = dialog->findChild<QComboBox *>(QStringLiteral("jobMethod"));
        method->setCurrentIndex(method->findData(int(core::TrainingType::Rag)));
        Q_EMIT method->activated(method->currentIndex());
        QVERIFY(!rag->isHidden());
        QVERIFY(!training->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->planText().contains(QStringLiteral("nothing is trained")), 20000);
        QVERIFY(dialog->startButton()->isEnabled());
        dialog->findChild<QSpinBox *>(QStringLiteral("ragChunkSize"))->setValue(120);
        dialog->findChild<QCheckBox *>(QStringLiteral("ragGenerator"))->setChecked(true);
        QVERIFY(training->isEnabled());
        dialog->findChild<QSpinBox *>(QStringLiteral("jobEpochs"))->setValue(1);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->planText().contains(QStringLiteral("steps")), 20000);
        test::saveScreenshot(dialog, QStringLiteral("new-job-rag.png"));
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QTRY_VERIFY(m_page->selectedJobId() > 0 &&
                    m_core->jobs().require(m_page->selectedJobId()).request.type == core::TrainingType::Rag);
        const qint64 id = m_page->selectedJobId();
        QCOMPARE(m_core->jobs().require(id).request.rag.chunkSize, 120);
        QVERIFY(m_core->jobs().require(id).request.rag.fineTuneGenerator);
        QVERIFY(waitForState(id, core::JobState::Completed, 300000));
        const core::JobInfo job = m_core->jobs().require(id);
        QVERIFY(QFileInfo::exists(job.directory + QStringLiteral("/rag_model/rag_config.json")));
        QVERIFY(QFileInfo::exists(job.directory + QStringLiteral("/lora_model/adapter_config.json")));
        QCOMPARE(job.modelFolder(), job.directory + QStringLiteral("/lora_model"));
        m_page->selectJob(id);
        auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("jobDetails"));
        auto *ask = m_page->findChild<ui::JobAsk *>(QStringLiteral("jobAsk"));
        QVERIFY(tabs->isTabVisible(tabs->indexOf(ask)));
        QVERIFY(tabs->isTabVisible(tabs->indexOf(m_page->findChild<ui::JobChat *>())));
        tabs->setCurrentWidget(ask);
        auto *model = ask->findChild<QComboBox *>(QStringLiteral("askAnswerModel"));
        auto *status = ask->findChild<QLabel *>(QStringLiteral("askStatus"));
        QCOMPARE(model->currentData().toString(), QStringLiteral("generator"));
        QTRY_VERIFY(ask->findChild<QLineEdit *>(QStringLiteral("askQuestion"))->isEnabled());
        ask->ask(QStringLiteral("How do I import a dataset?"));
        QTRY_VERIFY_WITH_TIMEOUT(!ask->isBusy(), 120000);
        QCOMPARE(status->text(), QStringLiteral("Answered by the job's fine-tuned generator."));

        QTemporaryDir blobs;
        test::FakeOllama::Options options;
        options.models = {QStringLiteral("llama3.2:1b"), QStringLiteral("qwen2.5:0.5b")};
        options.answer = QStringLiteral("Drop the file on the Datasets page.");
        test::FakeOllama server(blobs.path(), options);
        m_core->settings().setOllamaUrl(server.url());
        ui::InputDialog::setNextText(QStringLiteral("qwen2.5:0.5b"));
        Q_EMIT model->activated(model->findData(QStringLiteral("choose-ollama")));
        QTRY_COMPARE(model->currentData().toString(), QStringLiteral("ollama:qwen2.5:0.5b"));
        QVERIFY(server.requests().contains(QStringLiteral("GET /api/tags")));
        ask->ask(QStringLiteral("How do I import a dataset?"));
        QTRY_VERIFY_WITH_TIMEOUT(!ask->isBusy(), 60000);
        QCOMPARE(status->text(), QStringLiteral("Answered by qwen2.5:0.5b in Ollama."));
        QVERIFY2(ask->shown().endsWith(QStringLiteral("Answer\nDrop the file on the Datasets page.")),
                 qPrintable(ask->shown()));
        const QString prompt = server.lastChat()
                                   .value(QStringLiteral("messages"))
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(QStringLiteral("content"))
                                   .toString();
        QVERIFY2(prompt.startsWith(QStringLiteral("Based on the following context")), qPrintable(prompt));
        QVERIFY(prompt.contains(QStringLiteral("Drop a CSV, JSON or JSONL file")));
        // Ollama not answering is said, and the choice goes back to no answer.
        m_core->settings().setOllamaUrl(QStringLiteral("http://127.0.0.1:9"));
        Q_EMIT model->activated(model->findData(QStringLiteral("choose-ollama")));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("Is it running?")), 20000);
        QCOMPARE(model->currentData().toString(), QString());
    }
};

QTEST_MAIN(TestTrainingJobsPage)
#include "tst_training_jobs_page.moc"
