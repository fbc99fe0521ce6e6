// Work off the UI thread, with its result — or its error, whatever it threw — handed back on the UI thread through
// a context object; when the context is gone by then, nothing is delivered. The work must not touch the context:
// it runs on a pool thread and may outlive it. TaskProgress carries how far the work has come and the user's wish
// to cancel, through the core's one progress-and-cancel contract.
#pragma once

#include "Error.h"
#include "Progress.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>

namespace mtm::ui {

// Written by the work (through reportTo()), read by the UI (a timer or the task's end): thread-safe.
class TaskProgress
{
public:
    // The core::Progress to hand to the work: records done/total, and returns false once cancel() was called.
    // It holds on to the TaskProgress, so that work which outlives its dialog still has it.
    static core::Progress reportTo(const std::shared_ptr<TaskProgress> &progress);

    void cancel() { m_cancelled = true; }
    bool isCancelled() const { return m_cancelled; }
    qint64 done() const { return m_done; }
    qint64 total() const { return m_total; }
    double fraction() const;

private:
    std::atomic<qint64> m_done{0};
    std::atomic<qint64> m_total{0};
    std::atomic<bool> m_cancelled{false};
};

// What the work threw, as a core::Error: a core::Error as it is, anything else as an Internal one.
core::Error errorFrom(std::exception_ptr exception);

// Runs work() on the global thread pool; then onResult(result) — or onResult() for work that returns nothing — or
// onError(core::Error) on the context's thread. The future lets an owner that must not outlive the work wait.
template <typename Work, typename OnResult, typename OnError>
QFuture<void> runInBackground(QObject *context, Work work, OnResult onResult, OnError onError)
{
    using Result = std::invoke_result_t<Work>;
    constexpr bool returnsNothing = std::is_void_v<Result>;
    using Value = std::conditional_t<returnsNothing, bool, Result>;
    struct Outcome
    {
        std::optional<Value> value;
        std::exception_ptr error;
    };
    QFuture<Outcome> future = QtConcurrent::run([work = std::move(work)]() mutable {
        Outcome outcome;
        try {
            if constexpr (returnsNothing) {
                work();
                outcome.value = true;
            } else {
                outcome.value = work();
            }
        } catch (...) {
            outcome.error = std::current_exception();
        }
        return outcome;
    });
    auto *watcher = new QFutureWatcher<Outcome>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, onResult = std::move(onResult), onError = std::move(onError)]() mutable {
                         watcher->deleteLater();
                         Outcome outcome = watcher->result();
                         if (outcome.error)
                             onError(errorFrom(outcome.error));
                         else if constexpr (returnsNothing)
                             onResult();
                         else
                             onResult(std::move(*outcome.value));
                     });
    watcher->setFuture(future);
    return QFuture<void>(future);
}

} // namespace mtm::ui
