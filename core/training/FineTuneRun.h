// Runs a resolved training request (see TrainingRequest.h) on the engine in the calling thread, reporting
// progress in Qt types. A job folder that holds checkpoints continues from the latest one.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace mtm::core {

struct FineTuneProgress
{
    enum class Phase { Preparing, Training, Evaluating, Saving, Finished };
    Phase phase = Phase::Preparing;
    QString message;
    qint64 step = 0;
    qint64 totalSteps = 0;
    double epoch = 0; // fractional
    qint64 epochs = 0;
    std::optional<double> loss;
    std::optional<double> evalLoss;
    double learningRate = 0;
    double gradientNorm = 0;
    double tokensPerSecond = 0;
    double elapsedSeconds = 0;
    double etaSeconds = 0;
    quint64 memoryBytes = 0;
    double phaseFraction = 0;
};

struct FineTuneResult
{
    bool completed = false;
    QString outputPath;
    QString resumedFrom;
    QString lastCheckpoint;
    qint64 steps = 0;
    qint64 records = 0, truncated = 0, withoutTargets = 0, trainExamples = 0, evalExamples = 0;
    QJsonArray history; // {"step", "loss", "learning_rate", "grad_norm", ...} and {"step", "eval_loss"}
};

// Returning false from onProgress cancels within one step. Throws Error with a message for people.
FineTuneResult runFineTune(const QJsonObject &resolvedRequest, bool resume,
                           const std::function<bool(const FineTuneProgress &)> &onProgress);

} // namespace mtm::core
