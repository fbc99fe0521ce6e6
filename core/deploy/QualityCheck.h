// The quality check before deploying: the job's held-out loss — its own held-out records, scored as its training
// scored them — for the base model, the fine-tuned model and the GGUF file at the type about to be deployed, side
// by side, so that what the fine-tune gained and what the quantisation costs are seen before the model ships.
#pragma once

#include "Progress.h"

#include <QString>

namespace mtm::core {

class AppCore;
struct JobInfo;

struct QualityCheck
{
    double base = 0; // mean loss per learned token
    double fineTuned = 0;
    double gguf = 0;
    QString type;        // the GGUF's type
    qint64 examples = 0; // held-out examples scored
};

// How much value differs from `from`, as people read it: "-9.5%", "+0.4%", "0.0%".
QString relativeChange(double value, double from);

// ggufFile: the GGUF at `type`, written there first unless it is there already. progress in thousandths of the
// whole. Throws Error: Conflict for a job that has not completed; NotFound when its dataset or base model is gone;
// InvalidInput when it held nothing out; Cancelled.
QualityCheck checkQuality(const AppCore &core, const JobInfo &job, const QString &type, const QString &ggufFile,
                          const Progress &progress);

} // namespace mtm::core
