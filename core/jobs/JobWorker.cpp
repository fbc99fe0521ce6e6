#include "jobs/JobWorker.h"

#include "AppCore.h"
#include "AppResources.h"
#include "Error.h"
#include "deploy/OllamaClient.h"
#include "jobs/FineTuneRun.h"
#include "rag/RagBuild.h"
#include "rag/RagEmbedder.h"
#include "rag/RagModel.h"
#include "settings/AppSettings.h"
#include "store/Store.h"
#include "system/CpuThreads.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(JobWorker)
};

constexpr qint64 kFlushMs = 1000; // the store and the files are written about once a second
constexpr qint64 kSignalMs = 100; // progress reaches the window at most ten times a second

} // namespace

JobWorker::JobWorker(const AppCore &core, JobInfo job)
    : m_core(core)
    , m_job(std::move(job))
    , m_files(m_job.directory)
{}

void JobWorker::run()
{
    lowerThisThreadsPriority();
    m_sinceFlush.start();
    m_sinceSignal.start();
    JobCatalog &jobs = m_core.jobs();
    JobState state = JobState::Completed;
    QString error;
    try {
        const QString where = Text::tr("job %1").arg(m_job.id);
        say(m_job.startedAt.isValid() && m_job.step > 0 ? Text::tr("Continuing from step %1.").arg(m_job.step)
                                                        : Text::tr("Starting."));
        if (m_job.request.type == TrainingType::Rag) {
            // An index built before (rag_model/ appears whole or not at all) stays: a job resumed while it
            // fine-tuned its generator goes on with the generator.
            if (m_job.request.rag.fineTuneGenerator &&
                QFileInfo::exists(QDir(m_job.outputFolder()).filePath(ragFiles::config)))
                say(Text::tr("The index was built before; going on with the generator."));
            else
                buildIndex(where);
        }
        if (m_job.request.trains())
            fineTune(where);
    } catch (const Error &failure) {
        error = failure.message();
        if (!failure.isCancelled()) {
            state = JobState::Failed;
            say(Text::tr("Failed: %1").arg(failure.message()));
        } else if (JobState(m_endAs.load()) == JobState::Interrupted) {
            state = JobState::Interrupted;
            error = Text::tr("The job was stopped before it finished (the app was closed, or Ctrl+C). Resume it to "
                             "continue from its last checkpoint.");
            say(Text::tr("Stopped: %1").arg(failure.message()));
        } else {
            state = JobState::Cancelled;
            say(Text::tr("Cancelled: %1").arg(failure.message()));
        }
    }
    try {
        flush();
        jobs.finish(m_job.id, state, state == JobState::Completed ? QString() : error);
    } catch (const Error &failure) {
        // The store cannot be written: the job stays running there and is found interrupted at the next start.
        Q_EMIT logged(m_job.id, failure.message());
    }
    // This thread's database connection is closed here, while the app is surely alive: a QThread counts as
    // finished before its thread-local objects are destroyed, so the app could be gone by then.
    m_core.store().closeThisThreadsConnection();
    Q_EMIT progressed(m_job.id, m_last);
    Q_EMIT finished(m_job.id);
}

void JobWorker::fineTune(const QString &where)
{
    const engine::TrainingConfig config = m_job.request.resolve(m_core, where, m_job.directory);
    if (m_job.request.type == TrainingType::Rag)
        say(Text::tr("Fine-tuning the generator (LoRA) on the dataset."));
    const engine::TrainingResult result =
        runFineTune(config, true, [this](const engine::TrainingProgress &progress) { return onProgress(progress); });
    if (result.truncated > 0)
        say(Text::tr("%1 of %2 records were longer than max_seq_length and were cut.")
                .arg(result.truncated)
                .arg(result.records));
    say(Text::tr("Finished: %1").arg(QDir::toNativeSeparators(QString::fromStdString(result.outputPath))));
}

void JobWorker::buildIndex(const QString &where)
{
    const RagSettings &settings = m_job.request.rag;
    RagBuildRequest request;
    request.recordsFile = m_job.request.recordsFile(m_core, where);
    request.outputFolder = m_job.outputFolder();
    request.embedder = QString::fromStdString(settings.embeddingModel);
    if (RagEmbedder::namesOllamaModel(request.embedder)) // found as Ollama's own command line finds it
        request.ollamaServer = ollamaServer({}, m_core.settings().ollamaUrl());
    if (request.embedder.isEmpty())
        request.corpus = corpusDocuments(m_core.resources().starterCorpus);
    request.chunking.unit =
        settings.chunkUnit == "characters" ? ChunkSettings::Unit::Characters : ChunkSettings::Unit::Tokens;
    request.chunking.size = int(settings.chunkSize);
    request.chunking.overlap = int(settings.chunkOverlap);
    request.hnswFrom = settings.hnswFrom;
    request.hybrid = settings.hybrid;
    request.device = QString::fromStdString(m_job.request.settings.device);
    say(request.embedder.isEmpty()
            ? Text::tr("Making the built-in embedder from the app's corpus and the dataset, then indexing it.")
        : request.ollamaServer.isValid() ? Text::tr("Indexing the dataset with the Ollama embedding model %1 at %2.")
                                               .arg(request.embedder.mid(7), request.ollamaServer.toString())
                                         : Text::tr("Indexing the dataset with the embedding model %1.")
                                               .arg(QDir::toNativeSeparators(request.embedder)));
    // Progress in thousandths, as steps, so that the job's bar and time left follow it.
    QElapsedTimer clock;
    clock.start();
    const RagBuildSummary summary = buildRagModel(request, [this, &clock](qint64 done, qint64 total) {
        engine::TrainingProgress progress;
        progress.phase = engine::TrainingProgress::Phase::Preparing;
        progress.step = done;
        progress.totalSteps = total;
        progress.elapsedSeconds = double(clock.elapsed()) / 1000;
        if (done > 0) // time left, as the share done so far took
            progress.etaSeconds = progress.elapsedSeconds * double(total - done) / double(done);
        return onProgress(progress);
    });
    say(Text::tr("Indexed %1 records as %2 chunks (%3, %4 dimensions): %5")
            .arg(summary.records)
            .arg(summary.chunks)
            .arg(summary.indexType)
            .arg(summary.dimension)
            .arg(QDir::toNativeSeparators(m_job.outputFolder())));
}

bool JobWorker::onProgress(const engine::TrainingProgress &progress)
{
    using Phase = engine::TrainingProgress::Phase;
    // Phase changes, evaluations and the last step always reach the window; steps in between at most ten a second.
    const bool evaluated = progress.phase == Phase::Evaluating && progress.phaseFraction >= 1.0;
    const bool milestone = progress.phase != m_last.phase || evaluated || progress.step == progress.totalSteps;
    m_last = progress;
    if (progress.phase == Phase::Training) {
        JobMetric metric;
        metric.step = progress.step;
        metric.epoch = progress.epoch;
        metric.loss = progress.loss;
        metric.learningRate = progress.learningRate;
        metric.gradientNorm = progress.gradientNorm;
        metric.tokensPerSecond = progress.tokensPerSecond;
        metric.memoryBytes = qint64(progress.memoryBytes);
        m_metrics.append(metric);
    } else if (progress.phase == Phase::Evaluating && progress.phaseFraction >= 1.0 && progress.evalLoss) {
        JobMetric metric;
        metric.step = progress.step;
        metric.evalLoss = progress.evalLoss;
        m_metrics.append(metric);
        say(Text::tr("Held-out loss at step %1: %2").arg(progress.step).arg(*progress.evalLoss, 0, 'f', 4));
    } else if ((progress.phase == Phase::Preparing || progress.phase == Phase::Saving) && !progress.message.empty()) {
        say(QString::fromStdString(progress.message));
    }
    if (m_sinceFlush.elapsed() >= kFlushMs)
        flush();
    if (milestone || m_sinceSignal.elapsed() >= kSignalMs) {
        m_sinceSignal.restart();
        Q_EMIT progressed(m_job.id, progress);
    }
    return m_endAs < 0;
}

void JobWorker::say(const QString &message)
{
    m_messages.append(message);
    Q_EMIT logged(m_job.id, message);
}

void JobWorker::flush()
{
    m_sinceFlush.restart();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const JobMetric &metric : m_metrics)
        m_files.append(metric, now);
    for (const QString &message : m_messages)
        m_files.append(message, now);
    m_files.flush();
    JobCatalog &jobs = m_core.jobs();
    jobs.addMetrics(m_job.id, m_metrics);
    jobs.addLog(m_job.id, m_messages);
    if (m_last.totalSteps > 0)
        jobs.setSteps(m_job.id, m_last.step, m_last.totalSteps);
    m_metrics.clear();
    m_messages.clear();
}

} // namespace mtm::core
