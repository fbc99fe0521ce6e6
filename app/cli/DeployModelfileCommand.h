// `mtm deploy modelfile --job ID`: a completed job's model as the files `ollama create` takes — the GGUF model (or
// base and adapter) and a Modelfile that says why each line is there — for a terminal or another machine.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class DeployModelfileCommand : public ParsedCommand
{
public:
    DeployModelfileCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_type = ggufTypeOption();
    const OllamaFilesOptions m_files;
    const QCommandLineOption m_out{QStringLiteral("out"),
                                   QStringLiteral("The folder to write (default: the job's folder's ollama/)."),
                                   QStringLiteral("DIR")};
};

} // namespace mtm::cli
