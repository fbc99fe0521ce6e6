#include "deploy/QualityCheck.h"

#include "EngineCall.h"
#include "Error.h"
#include "deploy/DeployableForms.h"
#include "engine/evaluate/HeldOutLoss.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/Lora.h"
#include "jobs/JobInfo.h"
#include "model/ModelExport.h"
#include "model/ModelFolder.h"

#include <torch/types.h>

#include <QCoreApplication>
#include <QFileInfo>

#include <cmath>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(QualityCheck)
};

} // namespace

QString relativeChange(double value, double from)
{
    const double percent = from != 0 ? (value / from - 1) * 100 : 0;
    if (std::abs(percent) < 0.05)
        return QStringLiteral("0.0%");
    return QStringLiteral("%1%2%").arg(percent > 0 ? QStringLiteral("+") : QString()).arg(percent, 0, 'f', 1);
}

QualityCheck checkQuality(const AppCore &core, const JobInfo &job, const QString &type, const QString &ggufFile,
                          const Progress &progress)
{
    if (job.state != JobState::Completed)
        throw Error(Error::Kind::Conflict, Text::tr("Job %1 is %2: only a completed job's model can be checked.")
                                               .arg(job.id)
                                               .arg(jobStateId(job.state)));
    const engine::TrainingConfig config = job.request.resolve(core, Text::tr("Job %1").arg(job.id), job.directory);
    const QString output = deployableModelFolder(job);
    const bool adapter = isAdapterFolder(output);
    QualityCheck check;
    check.type = type.toLower();
    if (!QFileInfo::exists(ggufFile)) {
        GgufExportRequest request;
        request.model = output;
        request.type = check.type;
        request.gguf = ggufFile;
        request.merge = adapter;
        exportToGguf(request, progressShare(progress, 0, 400));
    }
    callEngine([&] {
        const engine::HeldOutExamples heldOut = engine::heldOutExamples(config);
        if (heldOut.examples.empty())
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("Job %1 held no records out of training, so there is nothing to check the models on.")
                            .arg(job.id));
        check.examples = qint64(heldOut.examples.size());
        auto model = engine::loadTransformer(config.baseModel, torch::kFloat32, torch::kCPU);
        check.base = engine::heldOutLoss(*model, heldOut, config.batchSize, progressShare(progress, 400, 200));
        if (adapter) { // the adapter merged in float32, as the deployed file has it
            engine::loadLoraAdapter(*model, output.toStdString());
            engine::mergeLora(*model);
        } else {
            model = engine::loadTransformer(output.toStdString(), torch::kFloat32, torch::kCPU);
        }
        check.fineTuned = engine::heldOutLoss(*model, heldOut, config.batchSize, progressShare(progress, 600, 200));
        model = engine::loadTransformer(ggufFile.toStdString(), torch::kFloat32, torch::kCPU);
        check.gguf = engine::heldOutLoss(*model, heldOut, config.batchSize, progressShare(progress, 800, 200));
    });
    return check;
}

} // namespace mtm::core
