#include "JobFollower.h"

#include "AppCore.h"
#include "CliText.h"
#include "CtrlC.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"

#include <QDir>
#include <QEventLoop>
#include <QHash>
#include <QSet>
#include <QTimer>

#include <unistd.h>

#include <algorithm>

namespace mtm::cli {
namespace {

bool isActive(core::JobState state)
{
    return state == core::JobState::Queued || state == core::JobState::Running;
}

// How the job ended, for people; returns its exit code.
int report(const core::JobInfo &job, CliContext &context)
{
    switch (job.state) {
    case core::JobState::Completed:
        context.out << "Job " << job.id << " completed: " << QDir::toNativeSeparators(job.outputFolder()) << '\n';
        return Success;
    case core::JobState::Interrupted:
        context.err << "Job " << job.id << " stopped at step " << job.step << " of " << job.totalSteps << ". 'mtm jobs "
                    << "resume " << job.id << " --wait' continues it from its last checkpoint.\n";
        return Cancelled;
    case core::JobState::Cancelled:
        context.err << "Job " << job.id << " was cancelled. " << job.error << '\n';
        return Cancelled;
    case core::JobState::Failed:
        context.err << "Job " << job.id << " failed: " << job.error << '\n';
        return Failure;
    case core::JobState::Queued:
    case core::JobState::Running:
        break;
    }
    context.err << "Job " << job.id << " is still " << core::jobStateId(job.state) << " in another process.\n";
    return Cancelled;
}

// "[#########...........]  45% " before a step line: the bar a terminal shows.
QString bar(qint64 step, qint64 total)
{
    constexpr int width = 20;
    const double fraction = total > 0 ? std::clamp(double(step) / double(total), 0.0, 1.0) : 0.0;
    const int filled = int(fraction * width);
    return QStringLiteral("[%1%2] %3% ")
        .arg(QString(filled, QLatin1Char('#')), QString(width - filled, QLatin1Char('.')))
        .arg(int(fraction * 100), 3);
}

} // namespace

int followJobs(CliContext &context, std::optional<qint64> only, qint64 logEvery)
{
    core::AppCore &core = context.core();
    core::JobCatalog &jobs = core.jobs();
    core::JobQueue &queue = core.queue();
    QTextStream &out = context.out;
    const CtrlC ctrlC;
    QEventLoop loop;
    QObject connections; // the connections below end with this function
    QHash<qint64, qint64> printedStep;
    QSet<qint64> followed;
    if (only)
        followed.insert(*only);
    const auto prefix = [&](qint64 id) { return only ? QString() : QStringLiteral("[job %1] ").arg(id); };
    // On a terminal, one job's steps redraw a bar in place (messages go above it); elsewhere, and for several
    // jobs, a plain line every logEvery steps.
    const bool inPlace = only && isatty(STDOUT_FILENO);
    QString drawn; // the bar on the terminal's last line
    const auto printStep = [&](qint64 id, qint64 step, qint64 total, const QString &line) {
        if (inPlace) {
            drawn = bar(step, total) + line;
            out << "\r\033[K" << drawn;
            out.flush();
            return;
        }
        const qint64 last = printedStep.value(id);
        if (step == last || (step < last + logEvery && step != total))
            return;
        printedStep.insert(id, step);
        out << prefix(id) << line << '\n';
        out.flush();
    };
    QObject::connect(&queue, &core::JobQueue::logged, &connections, [&](qint64 id, const QString &message) {
        followed.insert(id);
        out << (drawn.isEmpty() ? QString() : QStringLiteral("\r\033[K")) << prefix(id) << message << '\n' << drawn;
        out.flush();
    });
    QObject::connect(&queue, &core::JobQueue::progressed, &connections,
                     [&](qint64 id, const engine::TrainingProgress &progress) {
                         if (progress.phase == engine::TrainingProgress::Phase::Training && progress.loss)
                             printStep(id, progress.step, progress.totalSteps,
                                       inPlace ? QStringLiteral("step %1/%2  loss %3  %4 left")
                                                     .arg(progress.step)
                                                     .arg(progress.totalSteps)
                                                     .arg(progress.loss.value_or(0.0), 0, 'f', 4)
                                                     .arg(formatDuration(qint64(progress.etaSeconds)))
                                               : stepLine(progress));
                     });

    bool stopping = false;
    const auto finished = [&] {
        if (!only)
            return queue.runningHere() == 0 && !jobs.nextQueued();
        const std::optional<core::JobInfo> job = jobs.find(*only);
        if (!job || (!isActive(job->state) && !queue.isRunningHere(*only)))
            return true;
        if (!queue.isRunningHere(*only) && job->state == core::JobState::Running) {
            // Another process (the app) runs it: follow its steps in the store, and let go on Ctrl+C.
            printStep(job->id, job->step, job->totalSteps,
                      QStringLiteral("step %1/%2 (run by another process)").arg(job->step).arg(job->totalSteps));
            return stopping;
        }
        return false;
    };
    QTimer tick;
    tick.setInterval(200);
    QObject::connect(&tick, &QTimer::timeout, &connections, [&] {
        if (CtrlC::pressed() && !stopping) {
            stopping = true;
            context.err << "Stopping after this step...\n";
            context.err.flush();
            queue.interruptAll();
        }
        if (finished())
            loop.quit();
    });
    queue.start(only);
    tick.start();
    if (!finished())
        loop.exec();

    if (!drawn.isEmpty())
        out << '\n';
    int status = Success;
    for (const qint64 id : std::as_const(followed)) {
        if (const std::optional<core::JobInfo> job = jobs.find(id))
            status = qMax(status, report(*job, context)); // Cancelled (130) outranks Failure (1)
    }
    return status;
}

} // namespace mtm::cli
