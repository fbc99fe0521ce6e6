// The promise of a fresh install: the sample jobs in resources/sample-data/jobs/ teach the starter model the
// sample dataset with each method — the training loss falls to at most half of where it starts, and the loss
// on the held-out records falls too.
#include "DataTestHelpers.h"
#include "data/SampleDataset.h"
#include "jobs/FineTuneRun.h"
#include "jobs/TrainingRequest.h"

#include <QDir>
#include <QJsonDocument>
#include <QTest>

using namespace mtm::core;

namespace {

QJsonObject readJob(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class FineTuneTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(importSampleDatasetOnFirstStart(*m_data.core)); }

    void sampleJobTeachesTheStarterModel_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("outputFolder");
        QTest::addColumn<QStringList>("outputFiles");
        const QStringList adapter = {QStringLiteral("adapter_model.safetensors"), QStringLiteral("adapter_config.json"),
                                     QStringLiteral("tokenizer.json")};
        QTest::newRow("qlora") << QStringLiteral("qlora") << QStringLiteral("qlora_model") << adapter;
        QTest::newRow("unsloth") << QStringLiteral("unsloth") << QStringLiteral("lora_model") << adapter;
        QTest::newRow("lora") << QStringLiteral("lora") << QStringLiteral("lora_model") << adapter;
        QTest::newRow("standard") << QStringLiteral("standard") << QStringLiteral("standard_model")
                                  << QStringList{QStringLiteral("model.safetensors"), QStringLiteral("config.json"),
                                                 QStringLiteral("generation_config.json"),
                                                 QStringLiteral("tokenizer.json")};
    }

    void sampleJobTeachesTheStarterModel()
    {
        QFETCH(QString, method);
        QFETCH(QString, outputFolder);
        QFETCH(QStringList, outputFiles);
        const QString jobFile = QStringLiteral(MTM_SOURCE_DIR "/resources/sample-data/jobs/%1.json").arg(method);
        const QString jobFolder = m_data.path(QStringLiteral("jobs/") + method);
        const mtm::engine::TrainingConfig config =
            TrainingRequest::fromJson(readJob(jobFile), jobFile).resolve(*m_data.core, jobFile, jobFolder);

        qint64 lastStep = 0;
        const mtm::engine::TrainingResult result =
            runFineTune(config, false, [&](const mtm::engine::TrainingProgress &progress) {
                lastStep = std::max<qint64>(lastStep, progress.step);
                return true;
            });
        QCOMPARE(lastStep, result.steps);
        QCOMPARE(result.records, qint64(300));

        QList<double> losses, evalLosses;
        QList<double> epochs;
        for (const mtm::engine::HistoryEntry &entry : result.history) {
            if (entry.loss) {
                losses.append(*entry.loss);
                epochs.append(entry.epoch);
            } else if (entry.evalLoss) {
                evalLosses.append(*entry.evalLoss);
            }
        }
        QVERIFY(losses.size() >= 10);
        // Where it starts: the first three steps; where it ends: the mean over the last epoch, all records.
        const double start = (losses[0] + losses[1] + losses[2]) / 3;
        const double lastEpochStart = epochs.last() - 1;
        double sum = 0;
        int count = 0;
        for (int i = 0; i < losses.size(); ++i)
            if (epochs[i] > lastEpochStart) {
                sum += losses[i];
                ++count;
            }
        const double end = sum / count;
        qInfo("%s: training loss %.3f -> %.3f (%.0f%%), held-out loss %.3f -> %.3f", qPrintable(method), start, end,
              100 * end / start, evalLosses.first(), evalLosses.last());
        QVERIFY2(end <= start / 2,
                 qPrintable(QStringLiteral("the training loss went from %1 to %2").arg(start).arg(end)));
        QVERIFY2(
            evalLosses.size() >= 2 && evalLosses.last() < evalLosses.first(),
            qPrintable(
                QStringLiteral("the held-out loss went from %1 to %2").arg(evalLosses.first()).arg(evalLosses.last())));

        for (const QString &file : outputFiles)
            QVERIFY2(QFileInfo::exists(jobFolder + QLatin1Char('/') + outputFolder + QLatin1Char('/') + file),
                     qPrintable(file));
    }

private:
    mtm::test::DataFixture m_data;
};

QTEST_GUILESS_MAIN(FineTuneTest)
#include "tst_fine_tune.moc"
