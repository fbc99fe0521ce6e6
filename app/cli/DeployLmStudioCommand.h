// `mtm deploy lmstudio --job ID`: a completed job's model, merged, written into LM Studio's models folder.
#pragma once

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
    const QCommandLineOption m_job{QStringLiteral("job"), QStringLiteral("The completed job's id."),
                                   QStringLiteral("ID")};
    const QCommandLineOption m_type{QStringLiteral("type"),
                                    QStringLiteral("The GGUF type: f16, q8_0, q4_k_m, q5_k_m, bf16 or f32 (default "
                                                   "q4_k_m)."),
                                    QStringLiteral("TYPE"), QStringLiteral("q4_k_m")};
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
