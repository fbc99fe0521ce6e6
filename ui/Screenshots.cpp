#include "Screenshots.h"

#include "Error.h"
#include "MainWindow.h"
#include "dialogs/ImportDialog.h"
#include "pages/DatasetsPage.h"
#include "pages/TrainingJobsPage.h"
#include "widgets/JobChat.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QEventLoop>
#include <QPixmap>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

namespace mtm::ui {
namespace {

void settle(int turns = 5)
{
    // Layouts, style polish and chart animations need a few event-loop turns before a grab.
    for (int i = 0; i < turns; ++i) {
        QEventLoop loop;
        QTimer::singleShot(40, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

QString save(QWidget &widget, const QDir &directory, const QString &fileName)
{
    settle();
    const QString path = directory.filePath(fileName);
    if (!widget.grab().save(path, "PNG"))
        throw core::Error(core::Error::Kind::Io, QStringLiteral("Cannot write the screenshot %1.").arg(path));
    return path;
}

// A small file with typical mistakes, to show how the import dialog reports them.
const char kFileWithProblems[] = "instruction,input,output\n"
                                 "Translate to French,Good morning,Bonjour\n"
                                 "Summarise,\"A long, quoted text\nover two lines\",A short summary\n"
                                 "Name a colour,,\n"
                                 "Translate to French,Good morning,Bonjour\n"
                                 "Spell 'cat' backwards,,tac\n"
                                 "Count to three,,\"1, 2, 3\",extra\n";

QDialog *openDialog(MainWindow &window, void (MainWindow::*open)())
{
    (window.*open)();
    settle();
    return qobject_cast<QDialog *>(QApplication::activeModalWidget());
}

} // namespace

QStringList saveScreenshots(MainWindow &window, const QString &directory)
{
    QDir dir(directory);
    if (!dir.mkpath(QStringLiteral(".")))
        throw core::Error(core::Error::Kind::Io,
                          QStringLiteral("Cannot create the folder %1 for screenshots.").arg(directory));

    window.show();
    window.raise();
    QStringList written;
    const QList<QPair<MainWindow::PageId, QString>> pages = {
        {MainWindow::PageId::Datasets, QStringLiteral("page-datasets.png")},
        {MainWindow::PageId::TrainingJobs, QStringLiteral("page-training-jobs.png")},
        {MainWindow::PageId::Deployment, QStringLiteral("page-deployment.png")}};
    const MainWindow::PageId shownBefore = window.currentPage();
    for (const auto &[page, fileName] : pages) {
        window.showPage(page);
        written << save(window, dir, fileName);
    }
    // The selected dataset's other tabs, and an import dialog reporting problems.
    window.showPage(MainWindow::PageId::Datasets);
    auto *datasets = static_cast<DatasetsPage *>(window.page(MainWindow::PageId::Datasets));
    if (auto *details = datasets->findChild<QTabWidget *>(QStringLiteral("datasetDetails"));
        details && !datasets->isShowingEmptyState()) {
        const QStringList names = {QStringLiteral("dataset-statistics.png"), QStringLiteral("dataset-validation.png")};
        for (int tab = 1; tab <= 2; ++tab) {
            details->setCurrentIndex(tab);
            written << save(window, dir, names[tab - 1]);
        }
        details->setCurrentIndex(0);
    }
    QTemporaryDir scratch;
    QFile sample(scratch.filePath(QStringLiteral("survey-answers.csv")));
    if (sample.open(QIODevice::WriteOnly) && sample.write(kFileWithProblems) > 0) {
        sample.close();
        datasets->importFiles({sample.fileName()});
        ImportDialog *dialog = nullptr;
        for (int i = 0; i < 200 && !(dialog && dialog->stage() == ImportDialog::Stage::Review); ++i) {
            settle(1);
            dialog = datasets->findChild<ImportDialog *>(QStringLiteral("importDialog"));
        }
        if (!dialog)
            throw core::Error(core::Error::Kind::Internal, QStringLiteral("The import dialog did not open."));
        written << save(*dialog, dir, QStringLiteral("dialog-import-review.png"));
        dialog->reject();
        settle();
    }
    // The selected job's log and summary, and the New Job dialog.
    window.showPage(MainWindow::PageId::TrainingJobs);
    auto *jobs = static_cast<TrainingJobsPage *>(window.page(MainWindow::PageId::TrainingJobs));
    if (auto *details = jobs->findChild<QTabWidget *>(QStringLiteral("jobDetails"));
        details && !jobs->isShowingEmptyState()) {
        const QStringList names = {QStringLiteral("job-log.png"), QStringLiteral("job-summary.png")};
        for (int tab = 1; tab <= 2; ++tab) {
            details->setCurrentIndex(tab);
            written << save(window, dir, names[tab - 1]);
        }
        // A completed job answers in its Chat tab, beside its base model.
        auto *chat = jobs->findChild<JobChat *>(QStringLiteral("jobChat"));
        if (chat && jobs->findChild<QWidget *>(QStringLiteral("chatMessage"))->isEnabled()) {
            details->setCurrentWidget(chat);
            chat->send(QStringLiteral("What is 4 plus 5?"));
            for (int i = 0; i < 600 && chat->isAnswering(); ++i)
                settle(1);
            written << save(window, dir, QStringLiteral("job-chat.png"));
        }
        details->setCurrentIndex(0);
    }
    // The Deployment page's other targets for a completed job.
    window.showPage(MainWindow::PageId::Deployment);
    auto *deployment = window.page(MainWindow::PageId::Deployment);
    if (auto *targets = deployment->findChild<QTabWidget *>(QStringLiteral("deploymentTargets"));
        targets && !deployment->isShowingEmptyState()) {
        const QStringList names = {QStringLiteral("deployment-lmstudio.png"), QStringLiteral("deployment-archive.png"),
                                   QStringLiteral("deployment-code.png")};
        for (int tab = 1; tab <= 3; ++tab) {
            targets->setCurrentIndex(tab);
            written << save(window, dir, names[tab - 1]);
        }
        targets->setCurrentIndex(0);
    }
    window.showPage(MainWindow::PageId::TrainingJobs);
    jobs->openNewJobDialog();
    settle(20); // the base model is checked in the background
    if (auto *dialog = jobs->findChild<QDialog *>(QStringLiteral("newJobDialog"))) {
        written << save(*dialog, dir, QStringLiteral("dialog-new-job.png"));
        dialog->reject();
    }
    window.showPage(shownBefore);

    const QList<QPair<void (MainWindow::*)(), QString>> dialogs = {
        {&MainWindow::openSettings, QStringLiteral("dialog-settings.png")},
        {&MainWindow::openAbout, QStringLiteral("dialog-about.png")}};
    for (const auto &[open, fileName] : dialogs) {
        QDialog *dialog = openDialog(window, open);
        if (!dialog)
            throw core::Error(core::Error::Kind::Internal,
                              QStringLiteral("The dialog for %1 did not open.").arg(fileName));
        written << save(*dialog, dir, fileName);
        dialog->reject();
    }
    return written;
}

} // namespace mtm::ui
