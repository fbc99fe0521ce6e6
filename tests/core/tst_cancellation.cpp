// The one progress-and-cancel contract: every long operation of the core — import, export, training, perplexity,
// generation — stops when its callback returns false and ends the same way, in core::Error of kind Cancelled,
// leaving things as they were.
#include "DataTestHelpers.h"

#include "common/Outcomes.h"
#include "jobs/FineTuneRun.h"
#include "jobs/TrainingRequest.h"
#include "model/LanguageModel.h"

#include <QDir>
#include <QJsonObject>
#include <QtTest>

using namespace mtm::core;
using mtm::test::notCancelled;

class TestCancellation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { m_data.addTinyModelAndSums(24); }

    void importEndsCancelledAndStoresNothing()
    {
        QByteArray big = "prompt,completion\n";
        for (int i = 0; i < 20000; ++i)
            big += "question " + QByteArray::number(i) + ",answer " + QByteArray::number(i) + "\n";
        const QString file = m_data.write(QStringLiteral("big.csv"), big);
        const qint64 before = m_data.catalog->count();
        const QString outcome =
            notCancelled([&] { m_data.importer->prepare(file, {}, [](qint64, qint64) { return false; }); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QCOMPARE(m_data.catalog->count(), before);
        QCOMPARE(QDir(m_data.dataDirectory().datasetsDirectory())
                     .entryList({QStringLiteral(".staging-*")}, QDir::Dirs | QDir::Hidden)
                     .size(),
                 0);
    }

    void trainingEndsCancelledAndSaysWhereItContinues()
    {
        const QJsonObject job{{QStringLiteral("training_type"), QStringLiteral("lora")},
                              {QStringLiteral("model_name"), m_data.path(QStringLiteral("tiny"))},
                              {QStringLiteral("dataset"), QStringLiteral("sums")},
                              {QStringLiteral("epochs"), 2},
                              {QStringLiteral("batch_size"), 4},
                              {QStringLiteral("save_steps"), 2},
                              {QStringLiteral("dtype"), QStringLiteral("float32")}};
        const QString folder = m_data.path(QStringLiteral("job"));
        const mtm::engine::TrainingConfig config =
            TrainingRequest::fromJson(job, QStringLiteral("job")).resolve(*m_data.core, QStringLiteral("job"), folder);
        QString message;
        const QString outcome = notCancelled([&] {
            try {
                runFineTune(config, false,
                            [](const mtm::engine::TrainingProgress &progress) { return progress.step < 3; });
            } catch (const Error &error) {
                message = error.message();
                throw;
            }
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QVERIFY2(message.contains(QStringLiteral("step 3 of")) && message.contains(QStringLiteral("checkpoint-2")),
                 qPrintable(message));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/checkpoints/checkpoint-2")));
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/lora_model")));
    }

    void perplexityEndsCancelled()
    {
        const auto model = LanguageModel::open(m_data.path(QStringLiteral("tiny")), {});
        QString text;
        for (int i = 0; i < 40; ++i)
            text += QStringLiteral("The quick brown fox jumps over the lazy dog. ");
        int windows = 0;
        const QString outcome =
            notCancelled([&] { model->perplexity(text, 16, [&](qint64, qint64) { return ++windows < 2; }); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QCOMPARE(windows, 2);
    }

    void generationEndsCancelled()
    {
        const auto model = LanguageModel::open(m_data.path(QStringLiteral("tiny")), {});
        GenerationSettings settings;
        settings.temperature = 0;
        settings.maxNewTokens = 64;
        QStringList pieces;
        const QString outcome = notCancelled([&] {
            model->complete(QStringLiteral("Once upon a time"), settings, [&](const QString &piece) {
                pieces << piece;
                return pieces.size() < 3;
            });
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QCOMPARE(pieces.size(), 3);
        // Generation still works after a cancelled one.
        const GenerationOutcome whole = model->complete(QStringLiteral("Once upon a time"), settings, {});
        QVERIFY(whole.generatedTokens > 0);
    }

private:
    mtm::test::DataFixture m_data;
};

QTEST_GUILESS_MAIN(TestCancellation)
#include "tst_cancellation.moc"
