#include "TrainCommand.h"

#include "CliEnvironment.h"
#include "CliParsing.h"
#include "Error.h"
#include "ProgressLine.h"
#include "data/DatasetCatalog.h"
#include "training/FineTuneRun.h"
#include "training/TrainingRequest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <atomic>
#include <csignal>

namespace mtm::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted = true;
}

QJsonObject readJobFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw core::Error(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        const QByteArray before = bytes.left(error.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
        throw core::Error(QStringLiteral("%1, line %2, column %3: %4").arg(path).arg(line).arg(column).arg(error.errorString()));
    }
    if (!document.isObject())
        throw core::Error(QStringLiteral("%1: a training job is a JSON object ({\"training_type\": ...})").arg(path));
    return document.object();
}

QString formatNumber(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QString mebibytes(quint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}

} // namespace

int TrainCommand::run(const QStringList &arguments, CliStreams streams)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fine-tunes a model as the JSON file describes, with the fields of the REST API: training_type (qlora, "
        "unsloth, lora or standard), model_name (\"starter\", a model folder, or a base model of this app), "
        "dataset_id (or dataset: an id or a name), epochs, batch_size, learning_rate, lora_r, lora_alpha, "
        "lora_dropout, max_seq_length and the advanced settings (docs/training.md). Progress goes to standard "
        "output. Ctrl+C stops after the current step; running the same command again continues from the last "
        "checkpoint."));
    parser.addPositionalArgument(QStringLiteral("CONFIG.json"), QStringLiteral("The job description."));
    const QCommandLineOption output(QStringLiteral("output"),
                                    QStringLiteral("The job folder (default: jobs/<CONFIG name> in the data directory)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption restart(QStringLiteral("restart"),
                                     QStringLiteral("Delete the job's checkpoints and start from the beginning."));
    const QCommandLineOption logEvery(QStringLiteral("log-every"),
                                      QStringLiteral("Print a line every N steps (10)."), QStringLiteral("N"),
                                      QStringLiteral("10"));
    for (const auto &option : {output, restart, logEvery})
        parser.addOption(option);
    if (const auto status = parseCommandLine(parser, arguments, streams, 1, 1))
        return *status;
    const auto every = numberOption(parser, logEvery, 1, 1e9, streams);
    if (!every)
        return UsageError;

    const QString configPath = parser.positionalArguments().constFirst();
    const QJsonObject request = readJobFile(configPath);
    CliEnvironment environment;
    const core::DatasetCatalog catalog(*environment.store, environment.dataDirectory);
    const QString jobFolder = parser.isSet(output) ? parser.value(output)
                                                   : environment.dataDirectory.path() + QStringLiteral("/jobs/") +
                                                         QFileInfo(configPath).completeBaseName();
    const QJsonObject resolved = core::resolveTrainingRequest(request, configPath, environment.dataDirectory, catalog,
                                                              QStringLiteral(":/starter-model"), jobFolder);
    streams.out << "Job folder: " << QDir::toNativeSeparators(QFileInfo(jobFolder).absoluteFilePath()) << '\n';
    streams.out.flush();

    g_interrupted = false;
    const auto previous = std::signal(SIGINT, onInterrupt);
    const auto logStep = qint64(*every);
    bool interruptNoted = false;
    const core::FineTuneResult result =
        core::runFineTune(resolved, !parser.isSet(restart), [&](const core::FineTuneProgress &p) {
            using Phase = core::FineTuneProgress::Phase;
            if (g_interrupted && !interruptNoted) {
                streams.err << "Stopping after this step...\n";
                streams.err.flush();
                interruptNoted = true;
            }
            if (p.phase == Phase::Preparing || p.phase == Phase::Saving) {
                streams.out << p.message << '\n';
            } else if (p.phase == Phase::Evaluating && p.phaseFraction >= 1.0 && p.evalLoss) {
                streams.out << "eval  step " << p.step << "  held-out loss " << formatNumber(*p.evalLoss, 4) << '\n';
            } else if (p.phase == Phase::Training && p.loss && (p.step % logStep == 0 || p.step == p.totalSteps)) {
                streams.out << "step " << p.step << '/' << p.totalSteps << "  epoch " << formatNumber(p.epoch, 2)
                            << "  loss " << formatNumber(*p.loss, 4) << "  lr "
                            << QString::number(p.learningRate, 'e', 2) << "  grad " << formatNumber(p.gradientNorm, 3)
                            << "  " << formatNumber(p.tokensPerSecond, 0) << " tok/s  " << mebibytes(p.memoryBytes)
                            << "  " << formatDuration(qint64(p.etaSeconds)) << " left\n";
            }
            streams.out.flush();
            return !g_interrupted.load();
        });
    std::signal(SIGINT, previous);

    if (!result.completed) {
        streams.err << "Stopped at step " << result.steps << ". "
                    << (result.lastCheckpoint.isEmpty()
                            ? QStringLiteral("No checkpoint was written yet; the job starts from the beginning next time.")
                            : QStringLiteral("Run the same command again to continue from %1.")
                                  .arg(QDir::toNativeSeparators(result.lastCheckpoint)))
                    << '\n';
        return 130;
    }
    if (result.truncated > 0)
        streams.out << result.truncated << " of " << result.records
                    << " records were longer than max_seq_length and were cut.\n";
    if (!result.resumedFrom.isEmpty())
        streams.out << "Continued from " << QDir::toNativeSeparators(result.resumedFrom) << ".\n";
    streams.out << "Done: " << QDir::toNativeSeparators(result.outputPath) << '\n';
    return Success;
}

} // namespace mtm::cli
