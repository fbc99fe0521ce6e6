#include "training/FineTuneRun.h"

#include "Error.h"
#include "engine/EngineError.h"
#include "engine/train/Trainer.h"

#include <QJsonDocument>

#include <c10/util/Exception.h>

#include <filesystem>

namespace mtm::core {

FineTuneResult runFineTune(const QJsonObject &resolvedRequest, bool resume,
                           const std::function<bool(const FineTuneProgress &)> &onProgress)
{
    try {
        const auto json =
            nlohmann::json::parse(QJsonDocument(resolvedRequest).toJson(QJsonDocument::Compact).toStdString());
        const engine::TrainingConfig config = engine::TrainingConfig::fromJson(json, "the job");
        const engine::TrainingResult outcome = engine::runTraining(
            config,
            [&](const engine::TrainingProgress &p) {
                if (!onProgress)
                    return true;
                FineTuneProgress progress;
                progress.phase = static_cast<FineTuneProgress::Phase>(p.phase);
                progress.message = QString::fromStdString(p.message);
                progress.step = p.step;
                progress.totalSteps = p.totalSteps;
                progress.epoch = p.epoch;
                progress.epochs = p.epochs;
                progress.loss = p.loss;
                progress.evalLoss = p.evalLoss;
                progress.learningRate = p.learningRate;
                progress.gradientNorm = p.gradientNorm;
                progress.tokensPerSecond = p.tokensPerSecond;
                progress.elapsedSeconds = p.elapsedSeconds;
                progress.etaSeconds = p.etaSeconds;
                progress.memoryBytes = p.memoryBytes;
                progress.phaseFraction = p.phaseFraction;
                return onProgress(progress);
            },
            engine::TrainingRunOptions{resume});
        FineTuneResult result;
        result.completed = outcome.completed;
        result.outputPath = QString::fromStdString(outcome.outputPath);
        result.resumedFrom = QString::fromStdString(outcome.resumedFrom);
        result.lastCheckpoint = QString::fromStdString(outcome.lastCheckpoint);
        result.steps = outcome.state.step;
        result.records = outcome.records;
        result.truncated = outcome.truncated;
        result.withoutTargets = outcome.withoutTargets;
        result.trainExamples = outcome.trainExamples;
        result.evalExamples = outcome.evalExamples;
        result.history = QJsonDocument::fromJson(QByteArray::fromStdString(outcome.state.history.dump())).array();
        return result;
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    } catch (const c10::Error &error) {
        throw Error(QStringLiteral("Training stopped on an error of LibTorch: %1")
                        .arg(QString::fromStdString(error.what_without_backtrace())));
    } catch (const std::filesystem::filesystem_error &error) {
        throw Error(QStringLiteral("Training stopped on a file error: %1").arg(QString::fromLocal8Bit(error.what())));
    }
}

} // namespace mtm::core
