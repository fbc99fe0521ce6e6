#include "TrainCommand.h"

#include "AppCore.h"
#include "CliText.h"
#include "CtrlC.h"
#include "Error.h"
#include "JsonFile.h"
#include "jobs/FineTuneRun.h"
#include "jobs/TrainingRequest.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFileInfo>

namespace mtm::cli {

TrainCommand::TrainCommand()
    : ParsedCommand(QStringLiteral("train"), QStringLiteral("Fine-tune a model from a JSON job description"))
{
    setDescription(QStringLiteral(
        "Fine-tunes a model as the JSON file describes, with the fields of the REST API: training_type (qlora, "
        "unsloth, lora or standard), model_name (\"starter\", a model folder, or a base model of this app), "
        "dataset_id (or dataset: an id or a name), epochs, batch_size, learning_rate, lora_r, lora_alpha, "
        "lora_dropout, max_seq_length and the advanced settings (docs/training.md). Progress goes to standard "
        "output. Ctrl+C stops after the current step; running the same command again continues from the last "
        "checkpoint."));
    addPositional(QStringLiteral("CONFIG.json"), QStringLiteral("The job description."));
    setArgumentCount(1, 1);
    addOptions({m_output, m_restart, m_logEvery});
}

int TrainCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto every = numberOption(parser, m_logEvery, 1, 1e9, context);
    if (!every)
        return UsageError;
    QTextStream &out = context.out;
    QTextStream &err = context.err;

    const QString configPath = parser.positionalArguments().constFirst();
    const core::TrainingRequest request = core::TrainingRequest::fromJson(readJsonObject(configPath), configPath);
    core::AppCore &core = context.core();
    const QString jobFolder =
        parser.isSet(m_output) ? parser.value(m_output) : core.dataDirectory().jobFolderForFile(configPath);
    const engine::TrainingConfig config = request.resolve(core, configPath, jobFolder);
    out << "Job folder: " << QDir::toNativeSeparators(QFileInfo(jobFolder).absoluteFilePath()) << '\n';
    out.flush();

    const CtrlC ctrlC;
    const auto logStep = qint64(*every);
    bool interruptNoted = false;
    engine::TrainingProgress last;
    engine::TrainingResult result;
    try {
        result = core::runFineTune(config, !parser.isSet(m_restart), [&](const engine::TrainingProgress &p) {
            using Phase = engine::TrainingProgress::Phase;
            last = p;
            if (CtrlC::pressed() && !interruptNoted) {
                err << "Stopping after this step...\n";
                err.flush();
                interruptNoted = true;
            }
            if (p.phase == Phase::Preparing || p.phase == Phase::Saving) {
                out << QString::fromStdString(p.message) << '\n';
            } else if (p.phase == Phase::Evaluating && p.phaseFraction >= 1.0 && p.evalLoss) {
                out << evaluationLine(p) << '\n';
            } else if (p.phase == Phase::Training && p.loss && (p.step % logStep == 0 || p.step == p.totalSteps)) {
                out << stepLine(p) << '\n';
            }
            out.flush();
            return !CtrlC::pressed();
        });
    } catch (const core::Error &error) {
        if (!error.isCancelled())
            throw;
        err << "Stopped at step " << last.step << ". "
            << (last.lastCheckpoint.empty()
                    ? QStringLiteral("No checkpoint was written yet; the job starts from the beginning next time.")
                    : QStringLiteral("Run the same command again to continue from %1.")
                          .arg(QDir::toNativeSeparators(QString::fromStdString(last.lastCheckpoint))))
            << '\n';
        return Cancelled;
    }

    if (result.truncated > 0)
        out << result.truncated << " of " << result.records
            << " records were longer than max_seq_length and were cut.\n";
    if (!result.resumedFrom.empty())
        out << "Continued from " << QDir::toNativeSeparators(QString::fromStdString(result.resumedFrom)) << ".\n";
    out << "Done: " << QDir::toNativeSeparators(QString::fromStdString(result.outputPath)) << '\n';
    return Success;
}

} // namespace mtm::cli
