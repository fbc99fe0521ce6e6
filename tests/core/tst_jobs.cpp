// Training jobs: the store's side (create, claim, metrics and log, cancel, resume, delete, interrupted runners)
// and the queue's (a job runs on its own thread to completion with its files; cancel ends the thread and frees
// the model and optimiser; a job stopped when the app closes resumes and ends bit-identical to one never stopped).
#include "DataTestHelpers.h"

#include "common/Outcomes.h"
#include "engine/LiveObjects.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "store/SqlExec.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

using namespace mtm::core;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestJobs : public QObject
{
    Q_OBJECT

    mtm::test::DataFixture m_data;

    JobCatalog &jobs() { return m_data.core->jobs(); }

    TrainingRequest request(int epochs = 2)
    {
        TrainingRequest request =
            TrainingRequest::fromJson(QJsonObject{{QStringLiteral("training_type"), QStringLiteral("lora")},
                                                  {QStringLiteral("model_name"), m_data.path(QStringLiteral("tiny"))},
                                                  {QStringLiteral("dataset"), QStringLiteral("sums")},
                                                  {QStringLiteral("epochs"), epochs},
                                                  {QStringLiteral("batch_size"), 4},
                                                  {QStringLiteral("save_steps"), 1},
                                                  {QStringLiteral("eval_count"), 4},
                                                  {QStringLiteral("dtype"), QStringLiteral("float32")}},
                                      QStringLiteral("test"));
        return request;
    }

    // Runs the queue until the job has ended.
    bool runToTheEnd(JobQueue &queue, qint64 id)
    {
        QSignalSpy finished(&queue, &JobQueue::jobFinished);
        if (!queue.isStarted())
            queue.start();
        return QTest::qWaitFor([&] { return !finished.isEmpty() && finished.last().value(0).toLongLong() == id; },
                               120000);
    }

private Q_SLOTS:
    void initTestCase() { m_data.addTinyModelAndSums(20); }

    void theStoreKeepsAJobAndWhatItDid()
    {
        const JobInfo job = jobs().create(request());
        QCOMPARE(job.state, JobState::Queued);
        QCOMPARE(job.request.name, QStringLiteral("LoRA on sums"));
        QVERIFY(job.datasetId.has_value());
        QCOMPARE(job.directory, m_data.dataDirectory().path() + QStringLiteral("/models/job_%1").arg(job.id));
        QVERIFY(QFileInfo::exists(job.directory + QStringLiteral("/job.json")));
        QCOMPARE(job.outputFolder(), job.directory + QStringLiteral("/lora_model"));

        QProcess ended; // a process that has ended: its pid is no runner's
        ended.start(QStringLiteral("true"));
        QVERIFY(ended.waitForFinished());
        const qint64 gonePid = ended.processId() ? ended.processId() : 999999;
        QVERIFY(jobs().claim(job.id, gonePid));
        QVERIFY(!jobs().claim(job.id, QCoreApplication::applicationPid())); // one runner only
        jobs().addMetrics(job.id, {{1, 0.1, 2.5, std::nullopt, 1e-3, 1.0, 900.0, 1024}});
        JobMetric evaluation;
        evaluation.step = 1;
        evaluation.evalLoss = 2.75;
        jobs().addMetrics(job.id, {evaluation}); // the same step: merged into its row
        const QVector<JobMetric> metrics = jobs().metrics(job.id);
        QCOMPARE(metrics.size(), 1);
        QCOMPARE(metrics[0].loss, std::optional<double>(2.5));
        QCOMPARE(metrics[0].evalLoss, std::optional<double>(2.75));
        jobs().addLog(job.id, {QStringLiteral("first"), QStringLiteral("second")});
        jobs().addLog(job.id, {QStringLiteral("third")});
        const QVector<JobLogLine> log = jobs().log(job.id);
        QCOMPARE(log.size(), 3);
        QCOMPARE(log[2].line, qint64(3));
        QCOMPARE(jobs().log(job.id, 2).constFirst().message, QStringLiteral("third"));

        // Running elsewhere: cancel is a request; delete is refused.
        jobs().cancel(job.id);
        QVERIFY(jobs().cancelRequested(job.id));
        QString outcome = mtm::test::failureOtherThan(Error::Kind::Conflict, [&] { jobs().remove(job.id); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));

        // Its runner is gone: the job was interrupted, and can be resumed.
        QVERIFY(jobs().markInterrupted().contains(job.id));
        QCOMPARE(jobs().require(job.id).state, JobState::Interrupted);
        QVERIFY(!jobs().require(job.id).error.isEmpty());
        jobs().requeue(job.id);
        QCOMPARE(jobs().require(job.id).state, JobState::Queued);
        jobs().cancel(job.id); // queued: cancelled at once
        QCOMPARE(jobs().require(job.id).state, JobState::Cancelled);
        outcome = mtm::test::failureOtherThan(Error::Kind::Conflict, [&] { jobs().cancel(job.id); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));

        jobs().remove(job.id);
        QVERIFY(!jobs().find(job.id));
        QVERIFY(!QFileInfo::exists(job.directory));
        QCOMPARE(queryScalar(m_data.store->connection(), QStringLiteral("SELECT count(*) FROM job_logs")).toInt(), 0);

        outcome = mtm::test::failureOtherThan(Error::Kind::NotFound, [&] {
            TrainingRequest missing = request();
            missing.dataset = QStringLiteral("nothing");
            jobs().create(missing);
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
    }

    void aDeleteThatCrashedBeforeItsRowWentIsUndoneAtTheNextStart()
    {
        const JobInfo kept = jobs().create(request());
        QVERIFY(QFileInfo::exists(kept.directory + QStringLiteral("/job.json")));
        const JobInfo gone = jobs().create(request());
        // Both folders were set aside by deletes; only the second one's row went before the crash.
        QVERIFY(QDir().rename(kept.directory, kept.directory + QStringLiteral(".deleting")));
        QVERIFY(QDir().rename(gone.directory, gone.directory + QStringLiteral(".deleting")));
        QVERIFY(queryScalar(m_data.store->connection(),
                            QStringLiteral("DELETE FROM jobs WHERE id = %1 RETURNING id").arg(gone.id))
                    .isValid());
        QCOMPARE(jobs().removeLeftovers(), 1);
        QVERIFY(QFileInfo::exists(kept.directory + QStringLiteral("/job.json")));
        QVERIFY(!QFileInfo::exists(gone.directory + QStringLiteral(".deleting")));
        QVERIFY(!QFileInfo::exists(kept.directory + QStringLiteral(".deleting")));
        jobs().remove(kept.id);
        QVERIFY(!QFileInfo::exists(kept.directory));
    }

    void aLiveRunnerKeepsItsJob()
    {
        const JobInfo job = jobs().create(request());
        QVERIFY(jobs().claim(job.id, QCoreApplication::applicationPid()));
        QVERIFY(!jobs().markInterrupted().contains(job.id)); // alive, beating
        jobs().finish(job.id, JobState::Failed, QStringLiteral("test"));
        jobs().remove(job.id);
    }

    void theQueueRunsAJobToTheEndWithItsFiles()
    {
        JobQueue &queue = m_data.core->queue();
        QSignalSpy progressed(&queue, &JobQueue::progressed);
        const JobInfo created = queue.create(request());
        QVERIFY(runToTheEnd(queue, created.id));
        const JobInfo job = jobs().require(created.id);
        QCOMPARE(job.state, JobState::Completed);
        QVERIFY2(job.error.isEmpty(), qPrintable(job.error));
        QCOMPARE(job.step, job.totalSteps);
        QCOMPARE(job.totalSteps, qint64(8)); // 16 training records, batch 4, 2 epochs
        QVERIFY(!progressed.isEmpty());

        const QVector<JobMetric> metrics = jobs().metrics(job.id);
        QCOMPARE(metrics.size(), 9); // the evaluation at step 0, then one row a step
        QVERIFY(metrics[0].evalLoss && !metrics[0].loss);
        QVERIFY(metrics[8].loss && metrics[8].evalLoss);
        QVERIFY(!jobs().log(job.id).isEmpty());
        for (const char *file : {"job.json", "training_log.jsonl", "loss.csv", "lora_model/adapter_model.safetensors",
                                 "lora_model/adapter_config.json", "checkpoints"})
            QVERIFY2(QFileInfo::exists(job.directory + QLatin1Char('/') + QLatin1String(file)), file);
        QCOMPARE(fileBytes(job.directory + QStringLiteral("/loss.csv")).count('\n'), 1 + 8 + 3); // header, steps, evals
        QCOMPARE(queue.runningHere(), 0);
        QCOMPARE(mtm::engine::liveTransformers(), 0);
        QCOMPARE(mtm::engine::liveOptimizers(), 0);
    }

    void cancelEndsTheThreadAndFreesTheModel()
    {
        JobQueue &queue = m_data.core->queue();
        const JobInfo job = queue.create(request(50));
        QSignalSpy finished(&queue, &JobQueue::jobFinished);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto progress = queue.lastProgress(job.id);
                return progress && progress->step >= 2;
            },
            60000));
        QVERIFY(mtm::engine::liveTransformers() > 0);
        queue.cancel(job.id);
        QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty(); }, 60000));
        QCOMPARE(jobs().require(job.id).state, JobState::Cancelled);
        QVERIFY(jobs().require(job.id).error.contains(QStringLiteral("cancelled")));
        QCOMPARE(queue.runningHere(), 0);
        QVERIFY(!queue.isRunningHere(job.id));
        QCOMPARE(mtm::engine::liveTransformers(), 0);
        QCOMPARE(mtm::engine::liveOptimizers(), 0);
        QVERIFY(!QFileInfo::exists(jobs().require(job.id).outputFolder()));
    }

    void aJobStoppedWhenTheAppClosesResumesBitIdentical()
    {
        // Uninterrupted.
        JobQueue &queue = m_data.core->queue();
        const JobInfo whole = queue.create(request(3));
        QVERIFY(runToTheEnd(queue, whole.id));
        QCOMPARE(jobs().require(whole.id).state, JobState::Completed);

        // Stopped by closing its queue after a few steps, then resumed by another.
        const JobInfo stopped = jobs().create(request(3));
        {
            JobQueue closing(*m_data.core);
            closing.start(stopped.id);
            QVERIFY(QTest::qWaitFor(
                [&] {
                    const auto progress = closing.lastProgress(stopped.id);
                    return progress && progress->step >= 4;
                },
                60000));
        }
        const JobInfo interrupted = jobs().require(stopped.id);
        QCOMPARE(interrupted.state, JobState::Interrupted);
        QVERIFY(interrupted.step >= 4 && interrupted.step < interrupted.totalSteps);
        queue.resume(stopped.id);
        QVERIFY(runToTheEnd(queue, stopped.id));
        const JobInfo resumed = jobs().require(stopped.id);
        QCOMPARE(resumed.state, JobState::Completed);
        const QByteArray expected = fileBytes(whole.outputFolder() + QStringLiteral("/adapter_model.safetensors"));
        QVERIFY(expected.size() > 1000);
        QCOMPARE(fileBytes(resumed.outputFolder() + QStringLiteral("/adapter_model.safetensors")), expected);
        QVERIFY(jobs().log(stopped.id).constLast().message.startsWith(QStringLiteral("Finished")));
    }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
