// A page's long work — an export, a download, a deploy — one at a time, run in the background behind a progress
// dialog (TaskProgressDialog: shown after half a second, with the step, the time left and Cancel). The result
// or the error comes back on the page's thread; a cancel is told in the status bar. When the page goes, its work
// is asked to stop and waited for.
#pragma once

#include "BackgroundTask.h"
#include "pages/Page.h"
#include "widgets/TaskProgressDialog.h"

#include <QApplication>
#include <QPointer>

#include <functional>
#include <memory>
#include <utility>

namespace mtm::ui {

class PageTask
{
public:
    // changed() is called when work starts and when it has ended, for the page to enable its buttons again.
    PageTask(Page *page, std::function<void()> changed)
        : m_page(page)
        , m_changed(std::move(changed))
    {}
    ~PageTask()
    {
        if (m_progress)
            m_progress->cancel();
        m_future.waitForFinished();
    }
    PageTask(const PageTask &) = delete;
    PageTask &operator=(const PageTask &) = delete;

    // Until the work's result or error has been handed over.
    bool isRunning() const { return m_running; }

    // Runs work(progress, onStep) on the thread pool — progress is the core's progress-and-cancel contract,
    // onStep(text) names the step the dialog shows — then onDone(result) (onDone() for work that returns nothing)
    // or onError(error) for a failure other than a cancel. dialogName: the dialog's object name.
    template <typename Work, typename OnDone, typename OnError>
    void run(const QString &title, const QString &label, const QString &dialogName, Work work, OnDone onDone,
             OnError onError)
    {
        auto progress = std::make_shared<TaskProgress>();
        m_progress = progress;
        auto *dialog = new TaskProgressDialog(title, label, progress, m_page);
        dialog->setObjectName(dialogName);
        QPointer<TaskProgressDialog> guard(dialog);
        // Steps are told from the work's thread; the dialog shows them on its own.
        const auto onStep = [guard](const QString &step) {
            QMetaObject::invokeMethod(qApp, [guard, step] {
                if (guard)
                    guard->setLabel(step);
            });
        };
        const auto ended = [this, dialog] {
            dialog->deleteLater();
            m_running = false;
            if (m_changed)
                m_changed();
        };
        m_running = true;
        m_future = runInBackground(
            m_page, [work, report = TaskProgress::reportTo(progress), onStep] { return work(report, onStep); },
            [ended, onDone](auto &&...result) {
                ended();
                onDone(std::forward<decltype(result)>(result)...);
            },
            [this, ended, onError](const core::Error &error) {
                ended();
                if (error.isCancelled())
                    emit m_page->statusMessage(error.message());
                else
                    onError(error);
            });
        if (m_changed)
            m_changed();
    }

private:
    Page *m_page;
    std::function<void()> m_changed;
    std::shared_ptr<TaskProgress> m_progress;
    QFuture<void> m_future;
    bool m_running = false;
};

} // namespace mtm::ui
