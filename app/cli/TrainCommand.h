// `mtm train CONFIG.json`: runs a fine-tuning job from a JSON file with the REST API's fields and prints its
// progress; running it again on the same job folder continues from the last checkpoint.
#pragma once

#include "CliCommand.h"

namespace mtm::cli {

class TrainCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("train"); }
    QString summary() const override { return QStringLiteral("Fine-tune a model from a JSON job description"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

} // namespace mtm::cli
