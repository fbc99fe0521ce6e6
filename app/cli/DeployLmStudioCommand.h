// `mtm deploy lmstudio --job ID`: a completed job's model, merged, written into LM Studio's models folder.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class DeployLmStudioCommand : public ParsedCommand
{
public:
    DeployLmStudioCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_type = ggufTypeOption();
    const QCommandLineOption m_name{QStringLiteral("name"),
                                    QStringLiteral("The model's folder name (default: from the job's name)."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption m_models{QStringLiteral("models"),
                                      QStringLiteral("LM Studio's models folder (default: Settings, else where LM "
                                                     "Studio keeps them)."),
                                      QStringLiteral("DIR")};
    const QCommandLineOption m_replace{QStringLiteral("replace"),
                                       QStringLiteral("Replace a file of the same name that is there already.")};
};

} // namespace mtm::cli
