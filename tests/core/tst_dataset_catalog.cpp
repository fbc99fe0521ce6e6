// Tests of the stored datasets: names, rename, delete, export, preview records and crash leftovers.
#include "DataTestHelpers.h"

#include "Error.h"
#include "common/Outcomes.h"
#include "data/SampleDataset.h"

#include <QDir>
#include <QJsonObject>
#include <QtTest>

using namespace mtm::core;
using mtm::test::DataFixture;

class TestDatasetCatalog : public QObject
{
    Q_OBJECT

    DatasetInfo importText(DataFixture &f, const QString &name, int records)
    {
        QByteArray content = "text\n";
        for (int i = 1; i <= records; ++i)
            content += "record " + QByteArray::number(i) + "\n";
        const auto prepared = f.importer->prepare(f.write(name + QStringLiteral(".csv"), content), {});
        return f.importer->commit(*prepared, name, false);
    }

private slots:
    void namesAreMadeUnique()
    {
        DataFixture f;
        QCOMPARE(importText(f, QStringLiteral("notes"), 2).name, QStringLiteral("notes"));
        QCOMPARE(importText(f, QStringLiteral("notes"), 2).name, QStringLiteral("notes (2)"));
        QCOMPARE(importText(f, QStringLiteral("Notes"), 2).name, QStringLiteral("Notes (3)"));
        QCOMPARE(f.catalog->count(), 3);
        QCOMPARE(f.catalog->list().constFirst().name, QStringLiteral("Notes (3)")); // newest first
    }

    void findsByIdOrName()
    {
        DataFixture f;
        const DatasetInfo info = importText(f, QStringLiteral("Faq"), 1);
        QCOMPARE(f.catalog->findByIdOrName(QString::number(info.id))->name, QStringLiteral("Faq"));
        QCOMPARE(f.catalog->findByIdOrName(QStringLiteral("faq"))->id, info.id);
        QVERIFY(!f.catalog->findByIdOrName(QStringLiteral("nothing")));
        QCOMPARE(f.catalog->require(QStringLiteral("FAQ")).id, info.id);
        const QString outcome =
            mtm::test::failureOtherThan(Error::Kind::NotFound, [&] { f.catalog->require(QStringLiteral("nothing")); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
    }

    void renames()
    {
        DataFixture f;
        const DatasetInfo a = importText(f, QStringLiteral("a"), 1);
        importText(f, QStringLiteral("b"), 1);
        f.catalog->rename(a.id, QStringLiteral("  renamed  "));
        QCOMPARE(f.catalog->find(a.id)->name, QStringLiteral("renamed"));
        try {
            f.catalog->rename(a.id, QStringLiteral("B"));
            QFAIL("a taken name was accepted");
        } catch (const Error &error) {
            QVERIFY(error.message().contains(QStringLiteral("already called 'b'")));
            QCOMPARE(error.kind(), Error::Kind::Conflict);
        }
        QVERIFY_THROWS_EXCEPTION(Error, f.catalog->rename(a.id, QStringLiteral("   ")));
        QVERIFY_THROWS_EXCEPTION(Error, f.catalog->rename(999, QStringLiteral("x")));
    }

    void deletesRowAndFolder()
    {
        DataFixture f;
        const DatasetInfo info = importText(f, QStringLiteral("gone"), 3);
        QVERIFY(QFileInfo::exists(info.directory));
        f.catalog->remove(info.id);
        QVERIFY(!f.catalog->find(info.id));
        QVERIFY(!QFileInfo::exists(info.directory));
        QCOMPARE(QDir(f.dataDirectory().datasetsDirectory())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .size(),
                 0);
    }

    void exportsTheNormalisedRecords()
    {
        DataFixture f;
        const DatasetInfo info = importText(f, QStringLiteral("out"), 3);
        const QString target = f.path(QStringLiteral("export.jsonl"));
        f.catalog->exportJsonl(info.id, target);
        QFile exported(target), stored(info.recordsFile());
        QVERIFY(exported.open(QIODevice::ReadOnly) && stored.open(QIODevice::ReadOnly));
        QCOMPARE(exported.readAll(), stored.readAll());
        QVERIFY_THROWS_EXCEPTION(Error, f.catalog->exportJsonl(info.id, f.path(QStringLiteral("no/such/dir/x.jsonl"))));
    }

    void exportReportsProgressAndACancelledExportLeavesTheTargetAsItWas()
    {
        DataFixture f;
        QByteArray content = "text\n";
        for (int i = 1; i <= 30000; ++i)
            content += "record " + QByteArray::number(i) + " is long enough to take some room in the file\n";
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("big.csv"), content), {});
        const DatasetInfo info = f.importer->commit(*prepared, QStringLiteral("big"), false); // over 1 MiB
        const QString target = f.write(QStringLiteral("keep.jsonl"), "what was there before\n");
        qint64 lastDone = 0, lastTotal = 0;
        f.catalog->exportJsonl(info.id, f.path(QStringLiteral("whole.jsonl")), [&](qint64 done, qint64 total) {
            lastDone = done;
            lastTotal = total;
            return true;
        });
        QVERIFY(lastTotal > 1 << 20);
        QCOMPARE(lastDone, lastTotal);

        const QString outcome = mtm::test::notCancelled(
            [&] { f.catalog->exportJsonl(info.id, target, [](qint64, qint64) { return false; }); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QFile kept(target);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("what was there before\n"));
        QCOMPARE(QDir(f.path(QString())).entryList({QStringLiteral("keep.jsonl*")}, QDir::Files | QDir::Hidden).size(),
                 1);
    }

    void readsRecordsForThePreview()
    {
        DataFixture f;
        const DatasetInfo info = importText(f, QStringLiteral("pages"), 30);
        const auto page = f.catalog->readRecords(info.id, 10, 5);
        QCOMPARE(page.size(), 5);
        QCOMPARE(page[0].value(QStringLiteral("text")).toString(), QStringLiteral("record 11"));
        QCOMPARE(f.catalog->readRecords(info.id, 28, 5).size(), 2);
    }

    void damagedStoredRecordsAreReportedNotShownEmpty()
    {
        DataFixture f;
        const DatasetInfo info = importText(f, QStringLiteral("damaged"), 3);
        QFile records(info.recordsFile());
        QVERIFY(records.open(QIODevice::ReadWrite));
        const QByteArray bytes = records.readAll();
        records.seek(bytes.indexOf('\n') + 3); // inside the second record
        records.write("\xFF\x01");
        records.close();
        QCOMPARE(f.catalog->readRecords(info.id, 0, 1).size(), 1);
        try {
            f.catalog->readRecords(info.id, 0, 3);
            QFAIL("a damaged record was shown as {}");
        } catch (const Error &error) {
            QVERIFY2(error.message().startsWith(QStringLiteral("Line 2 of ") + info.recordsFile()),
                     qPrintable(error.message()));
        }
    }

    void sampleDatasetIsImportedOnTheFirstStartOnly()
    {
        DataFixture f;
        const auto imported = importSampleDatasetOnFirstStart(*f.core);
        QVERIFY(imported);
        QCOMPARE(imported->name, sampleDatasetName());
        QVERIFY2(imported->recordCount >= 250, "the sample should have a few hundred records");
        QCOMPARE(imported->skippedCount, 0);
        QCOMPARE(imported->schema, QStringLiteral("alpaca"));
        const ValidationReport report = f.catalog->loadReport(imported->id);
        QCOMPARE(report.errorCount() + report.warningCount(), 0);

        f.catalog->remove(imported->id);
        QVERIFY(!importSampleDatasetOnFirstStart(*f.core)); // deleted stays deleted
        QCOMPARE(f.catalog->count(), 0);

        // A job that names the sample brings it back, as "starter" brings back the starter model.
        provideSampleDataset(*f.core, QStringLiteral("starter EXAMPLES"));
        QCOMPARE(f.catalog->require(sampleDatasetName()).recordCount, imported->recordCount);
        provideSampleDataset(*f.core, sampleDatasetName()); // there already: nothing more
        provideSampleDataset(*f.core, QStringLiteral("something else"));
        QCOMPARE(f.catalog->count(), 1);
    }

    void sampleDatasetIsNotAddedToExistingData()
    {
        DataFixture f;
        importText(f, QStringLiteral("mine"), 2);
        QVERIFY(!importSampleDatasetOnFirstStart(*f.core));
        QCOMPARE(f.catalog->count(), 1);
        QVERIFY(f.core->settings().sampleDatasetImported());
    }

    void removesLeftoversOfACrash()
    {
        DataFixture f;
        const DatasetInfo kept = importText(f, QStringLiteral("kept"), 1);
        const QDir datasets(f.dataDirectory().datasetsDirectory());
        QVERIFY(datasets.mkpath(QStringLiteral("9999")));          // a folder without a row
        QVERIFY(datasets.mkpath(QStringLiteral(".deleting-5")));   // an interrupted delete
        const QString fresh = f.catalog->createStagingDirectory(); // an import in progress elsewhere
        QCOMPARE(f.catalog->removeLeftovers(), 2);
        QVERIFY(QFileInfo::exists(kept.directory));
        QVERIFY(QFileInfo::exists(fresh));
        QVERIFY(!datasets.exists(QStringLiteral("9999")));
    }

    void aDeleteThatCrashedBeforeItsRowWentIsUndone()
    {
        DataFixture f;
        const DatasetInfo kept = importText(f, QStringLiteral("kept"), 2);
        QDir datasets(f.dataDirectory().datasetsDirectory());
        // The folder was moved aside, then the process died before the row was deleted.
        QVERIFY(datasets.rename(QString::number(kept.id), QStringLiteral(".deleting-%1").arg(kept.id)));
        QCOMPARE(f.catalog->removeLeftovers(), 0);
        QCOMPARE(f.catalog->readRecords(kept.id, 0, 5).size(), 2);
        QVERIFY(!datasets.exists(QStringLiteral(".deleting-%1").arg(kept.id)));
    }

    void aFolderLeftByACrashedImportDoesNotBlockTheNext()
    {
        // An import that died after moving its folder into place but before its row committed leaves the folder
        // of an id that the next import gets again (the insert was rolled back).
        DataFixture f;
        const DatasetInfo first = importText(f, QStringLiteral("first"), 1);
        const QDir datasets(f.dataDirectory().datasetsDirectory());
        const QString nextId = QString::number(first.id + 1);
        QVERIFY(datasets.mkpath(nextId));
        mtm::test::writeFile(datasets.filePath(nextId + QStringLiteral("/records.jsonl")), "{\"text\": \"stale\"}\n");
        const DatasetInfo second = importText(f, QStringLiteral("second"), 3);
        QCOMPARE(second.id, first.id + 1);
        const auto records = f.catalog->readRecords(second.id, 0, 5);
        QCOMPARE(records.size(), 3);
        QCOMPARE(records[0].value(QStringLiteral("text")).toString(), QStringLiteral("record 1"));
    }
};

QTEST_GUILESS_MAIN(TestDatasetCatalog)
#include "tst_dataset_catalog.moc"
