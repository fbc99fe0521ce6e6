// GUI tests of the Datasets page: a file dropped on the page is checked, reviewed and imported, and shows up
// in the table with its preview; problems, cancelling and choosing a mapping by hand; rename, export and delete
// through the page's buttons, with the dialogs answered through their seams.
#include "AppCore.h"
#include "MainWindow.h"
#include "Translations.h"
#include "data/DatasetCatalog.h"
#include "dialogs/FileDialog.h"
#include "dialogs/ImportDialog.h"
#include "dialogs/InputDialog.h"
#include "dialogs/MessageBox.h"
#include "models/DatasetTableModel.h"
#include "pages/DatasetsPage.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"
#include "widgets/RecordPreview.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "common/TestFiles.h"

#include <memory>

using namespace mtm;

class TestDatasetsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<core::AppCore> m_core;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::DatasetsPage *m_page = nullptr;

    QString write(const QString &name, const QByteArray &bytes) { return test::writeFile(m_dir.filePath(name), bytes); }

    void dropOnPage(const QStringList &files)
    {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString &file : files)
            urls << QUrl::fromLocalFile(file);
        mime.setUrls(urls);
        const QPoint where = m_page->rect().center();
        QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_page, &enter);
        QVERIFY(enter.isAccepted());
        QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("dropOverlay"))->isVisible());
        QDropEvent drop(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_page, &drop);
        QVERIFY(drop.isAccepted());
    }

    ui::ImportDialog *waitForReview()
    {
        ui::ImportDialog *dialog = nullptr;
        if (!QTest::qWaitFor(
                [&] {
                    dialog = m_page->findChild<ui::ImportDialog *>(QStringLiteral("importDialog"));
                    return dialog && dialog->stage() == ui::ImportDialog::Stage::Review;
                },
                20000))
            return nullptr;
        return dialog;
    }

    QTableView *table() const { return m_page->findChild<QTableView *>(QStringLiteral("datasetsTable")); }
    QPushButton *button(const char *name) const { return m_page->findChild<QPushButton *>(QLatin1String(name)); }

    // Imports a file through the page and its dialog; returns whether the dataset arrived in the table.
    bool importThroughThePage(const QString &file)
    {
        const int before = table()->model()->rowCount();
        m_page->importFiles({file});
        ui::ImportDialog *dialog = waitForReview();
        if (!dialog)
            return false;
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        return QTest::qWaitFor([&] { return table()->model()->rowCount() == before + 1; }, 20000);
    }
    QString previewText() const
    {
        return m_page->findChild<ui::RecordPreview *>(QStringLiteral("recordPreview"))->toPlainText();
    }

private slots:
    void initTestCase() { QVERIFY(ui::installTranslations(*QCoreApplication::instance())); }

    void init()
    {
        QVERIFY(m_dir.isValid());
        qputenv(core::DataDirectory::environmentVariable(), m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        m_core = std::make_unique<core::AppCore>(
            std::make_unique<core::AppSettings>(m_dir.filePath(QStringLiteral("settings.ini"))));
        m_window = std::make_unique<ui::MainWindow>(*m_core);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->showPage(ui::MainWindow::PageId::Datasets);
        m_page = static_cast<ui::DatasetsPage *>(m_window->page(ui::MainWindow::PageId::Datasets));
    }

    void cleanup()
    {
        m_window.reset();
        m_core.reset();
        QDir(m_dir.filePath(QStringLiteral("data"))).removeRecursively();
    }

    void droppedFileIsImportedAndPreviewed()
    {
        QVERIFY(m_page->isShowingEmptyState());
        const QString file = write(QStringLiteral("greetings.csv"),
                                   "instruction,input,output\nSay hello,,Hello there!\nSay bye,,Goodbye!\n");
        dropOnPage({file});
        ui::ImportDialog *dialog = waitForReview();
        QVERIFY(dialog);
        QVERIFY(dialog->importButton()->isEnabled());
        QCOMPARE(dialog->importButton()->text(), QStringLiteral("Import 2 Records"));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("importSummary"))->text().contains(QStringLiteral("CSV")));
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(table()->model()->rowCount(), 1, 20000);
        QVERIFY(!m_page->isShowingEmptyState());
        QCOMPARE(table()->model()->index(0, ui::DatasetTableModel::Name).data().toString(),
                 QStringLiteral("greetings"));
        QCOMPARE(table()->model()->index(0, ui::DatasetTableModel::Records).data().toString(), QStringLiteral("2"));
        QVERIFY(m_page->selectedDatasetId() > 0);
        QVERIFY2(previewText().contains(QStringLiteral("Hello there!")), qPrintable(previewText()));
        QVERIFY(previewText().contains(QStringLiteral("Assistant")));
        QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("datasetStatistics"))
                    ->text()
                    .contains(QStringLiteral("Records")));
    }

    void problemsAreListedAndOnlyValidRecordsImported()
    {
        const QString file = write(QStringLiteral("mixed.jsonl"), "{\"prompt\": \"a\", \"completion\": \"b\"}\n"
                                                                  "{\"prompt\": \"c\"}\n"
                                                                  "{\"prompt\": \"e\", \"completion\": \"f\"}\n");
        m_page->importFiles({file});
        ui::ImportDialog *dialog = waitForReview();
        QVERIFY(dialog);
        QCOMPARE(dialog->importButton()->text(), QStringLiteral("Import Only the 2 Valid Records"));
        auto *problems = dialog->findChild<QTableView *>(QStringLiteral("importProblems"));
        QCOMPARE(problems->model()->rowCount(), 1);
        QCOMPARE(problems->model()->index(0, 1).data().toLongLong(), 2); // line
        QCOMPARE(problems->model()->index(0, 3).data().toString(), QStringLiteral("completion"));
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(table()->model()->rowCount(), 1, 20000);
        QCOMPARE(table()->model()->index(0, ui::DatasetTableModel::Records).data().toString(), QStringLiteral("2"));
        auto *validation = m_page->findChild<QTableView *>(QStringLiteral("validationProblems"));
        QCOMPARE(validation->model()->rowCount(), 1);
    }

    void unsureMappingIsChosenByHand()
    {
        const QString file = write(QStringLiteral("columns.csv"), "left,right\nquestion one,answer one\n");
        m_page->importFiles({file});
        ui::ImportDialog *dialog = waitForReview();
        QVERIFY(dialog);
        QVERIFY(!dialog->importButton()->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("mappingNote"))
                    ->text()
                    .contains(QStringLiteral("Could not tell")));
        auto *prompt = dialog->findChild<QComboBox *>(QStringLiteral("field_prompt"));
        auto *completion = dialog->findChild<QComboBox *>(QStringLiteral("field_completion"));
        QVERIFY(prompt && completion);
        prompt->setCurrentIndex(prompt->findData(QStringLiteral("left")));
        completion->setCurrentIndex(completion->findData(QStringLiteral("right")));
        emit completion->activated(completion->currentIndex());
        auto *checkAgain = dialog->findChild<QPushButton *>(QStringLiteral("checkAgainButton"));
        QVERIFY(checkAgain->isVisible() && checkAgain->isEnabled());
        QTest::mouseClick(checkAgain, Qt::LeftButton);
        dialog = waitForReview();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->importButton()->isEnabled());
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(table()->model()->rowCount(), 1, 20000);
        QVERIFY(previewText().contains(QStringLiteral("answer one")));
    }

    void cancellingWhileCheckingStoresNothing()
    {
        QByteArray big = "prompt,completion\n";
        for (int i = 0; i < 300000; ++i)
            big += "question " + QByteArray::number(i) + ",answer " + QByteArray::number(i) + "\n";
        m_page->importFiles({write(QStringLiteral("big.csv"), big)});
        ui::ImportDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::ImportDialog *>(QStringLiteral("importDialog"))));
        QPointer<ui::ImportDialog> guard(dialog);
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 20000);
        QCOMPARE(table()->model()->rowCount(), 0);
        const QStringList left = QDir(m_dir.filePath(QStringLiteral("data/datasets")))
                                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(' ')));
    }

    void unreadableFileIsExplained()
    {
        m_page->importFiles({write(QStringLiteral("empty.json"), QByteArray())});
        ui::ImportDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<ui::ImportDialog *>(QStringLiteral("importDialog"))) &&
                    dialog->stage() == ui::ImportDialog::Stage::Failed);
        QVERIFY(
            dialog->findChild<QLabel *>(QStringLiteral("importFailure"))->text().contains(QStringLiteral("is empty")));
        dialog->reject();
    }

    void renameThroughTheWindow()
    {
        QVERIFY(importThroughThePage(write(QStringLiteral("first.csv"), "text\none\n")));
        QVERIFY(importThroughThePage(write(QStringLiteral("second.csv"), "text\ntwo\n")));
        const qint64 id = m_page->selectedDatasetId();
        QCOMPARE(m_core->datasets().find(id)->name, QStringLiteral("second"));

        ui::InputDialog::setNextText(QStringLiteral("  Renamed  "));
        QTest::mouseClick(button("renameDatasetButton"), Qt::LeftButton);
        QCOMPARE(m_core->datasets().find(id)->name, QStringLiteral("Renamed"));
        QCOMPARE(m_page->selectedDatasetId(), id);
        QCOMPARE(table()->model()->index(table()->currentIndex().row(), ui::DatasetTableModel::Name).data().toString(),
                 QStringLiteral("Renamed"));

        // A taken name is refused with a message, and nothing changes.
        ui::InputDialog::setNextText(QStringLiteral("FIRST"));
        ui::MessageBox::setNextAnswer(QMessageBox::Ok);
        QTest::mouseClick(button("renameDatasetButton"), Qt::LeftButton);
        QVERIFY2(ui::MessageBox::lastAnsweredText().contains(QStringLiteral("already called 'first'")),
                 qPrintable(ui::MessageBox::lastAnsweredText()));
        QCOMPARE(m_core->datasets().find(id)->name, QStringLiteral("Renamed"));

        // Cancelling the prompt changes nothing either.
        ui::InputDialog::setNextText(std::nullopt);
        QTest::mouseClick(button("renameDatasetButton"), Qt::LeftButton);
        QCOMPARE(m_core->datasets().find(id)->name, QStringLiteral("Renamed"));
    }

    void exportThroughTheWindow()
    {
        QVERIFY(importThroughThePage(write(QStringLiteral("notes.csv"), "text\nalpha\nbeta\n")));
        const core::DatasetInfo dataset = *m_core->datasets().find(m_page->selectedDatasetId());
        const QString target = m_dir.filePath(QStringLiteral("exported.jsonl"));
        ui::FileDialog::setNextFiles({target});
        QTest::mouseClick(button("exportDatasetButton"), Qt::LeftButton);
        QVERIFY(!button("exportDatasetButton")->isEnabled()); // while the export runs in the background
        QTRY_VERIFY_WITH_TIMEOUT(button("exportDatasetButton")->isEnabled(), 20000);
        QFile exported(target), stored(dataset.recordsFile());
        QVERIFY(exported.open(QIODevice::ReadOnly) && stored.open(QIODevice::ReadOnly));
        QCOMPARE(exported.readAll(), stored.readAll());
        QVERIFY2(m_window->statusBar()->currentMessage().contains(QStringLiteral("Exported 2 records")),
                 qPrintable(m_window->statusBar()->currentMessage()));
        QVERIFY(!m_page->findChild<QProgressDialog *>(QStringLiteral("exportProgress")));

        // Cancelling the file dialog exports nothing.
        QFile::remove(target);
        ui::FileDialog::setNextFiles({});
        QTest::mouseClick(button("exportDatasetButton"), Qt::LeftButton);
        QVERIFY(button("exportDatasetButton")->isEnabled());
        QVERIFY(!QFileInfo::exists(target));
    }

    void deleteThroughTheWindow()
    {
        QVERIFY(importThroughThePage(write(QStringLiteral("doomed.csv"), "text\nbye\n")));
        const core::DatasetInfo dataset = *m_core->datasets().find(m_page->selectedDatasetId());

        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(button("deleteDatasetButton"), Qt::LeftButton);
        QVERIFY(ui::MessageBox::lastAnsweredText().contains(QStringLiteral("doomed")));
        QVERIFY(m_core->datasets().find(dataset.id));
        QVERIFY(QFileInfo::exists(dataset.directory));

        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("deleteDatasetButton"), Qt::LeftButton);
        QVERIFY(!m_core->datasets().find(dataset.id));
        QVERIFY(!QFileInfo::exists(dataset.directory));
        QCOMPARE(table()->model()->rowCount(), 0);
        QVERIFY(m_page->isShowingEmptyState());
    }

    void tableModelPassesTheModelTester()
    {
        const core::DatasetCatalog &catalog = m_core->datasets();
        ui::DatasetTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatasets(catalog.list());
        m_page->importFiles({write(QStringLiteral("t.csv"), "text\none\ntwo\n")});
        ui::ImportDialog *dialog = waitForReview();
        QVERIFY(dialog);
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        QTRY_COMPARE(table()->model()->rowCount(), 1);
        model.setDatasets(catalog.list());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, ui::DatasetTableModel::Type)).toString(), QStringLiteral("Plain text"));
    }
};

QTEST_MAIN(TestDatasetsPage)
#include "tst_datasets_page.moc"
