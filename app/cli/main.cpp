// `mtm`: the headless command line over the same core as the desktop app.
#include "CliContext.h"
#include "CommandLine.h"
#include "DatasetsDeleteCommand.h"
#include "DatasetsExportCommand.h"
#include "DatasetsImportCommand.h"
#include "DatasetsListCommand.h"
#include "DatasetsRenameCommand.h"
#include "DatasetsShowCommand.h"
#include "DeployCheckCommand.h"
#include "DeployLmStudioCommand.h"
#include "DeployModelfileCommand.h"
#include "DeployOllamaCommand.h"
#include "ExportCommand.h"
#include "GenerateCommand.h"
#include "HelpCommand.h"
#include "ImportCommand.h"
#include "InfoCommand.h"
#include "JobsCancelCommand.h"
#include "JobsCreateCommand.h"
#include "JobsDeleteCommand.h"
#include "JobsDownloadCommand.h"
#include "JobsListCommand.h"
#include "JobsResumeCommand.h"
#include "JobsRunCommand.h"
#include "JobsShowCommand.h"
#include "JobsStatusCommand.h"
#include "MakeTinyModelCommand.h"
#include "PerplexityCommand.h"
#include "RagEmbedCommand.h"
#include "RagQueryCommand.h"
#include "RagServeCommand.h"
#include "ServeCommand.h"
#include "TokenizeCommand.h"
#include "TrainCommand.h"
#include "TrainTokenizerCommand.h"
#include "system/AppIdentity.h"
#include "system/CpuThreads.h"

#include <QCoreApplication>

namespace {

std::unique_ptr<mtm::cli::CommandGroup> datasetsCommands()
{
    using namespace mtm::cli;
    auto group = std::make_unique<CommandGroup>(
        QStringLiteral("datasets"), QStringLiteral("Import, list, show, export, rename and delete datasets"),
        QStringLiteral("Usage: mtm datasets <command> [options]"),
        QStringLiteral("DATASET is an id or a name. 'mtm datasets <command> --help' shows a command's options."));
    group->add(std::make_unique<DatasetsImportCommand>());
    group->add(std::make_unique<DatasetsListCommand>());
    group->add(std::make_unique<DatasetsShowCommand>());
    group->add(std::make_unique<DatasetsExportCommand>());
    group->add(std::make_unique<DatasetsRenameCommand>());
    group->add(std::make_unique<DatasetsDeleteCommand>());
    return group;
}

std::unique_ptr<mtm::cli::CommandGroup> deployCommands()
{
    using namespace mtm::cli;
    auto group = std::make_unique<CommandGroup>(QStringLiteral("deploy"),
                                                QStringLiteral("Ship a trained model to Ollama or LM Studio"),
                                                QStringLiteral("Usage: mtm deploy <command> [options]"));
    group->add(std::make_unique<DeployCheckCommand>());
    group->add(std::make_unique<DeployOllamaCommand>());
    group->add(std::make_unique<DeployModelfileCommand>());
    group->add(std::make_unique<DeployLmStudioCommand>());
    return group;
}

std::unique_ptr<mtm::cli::CommandGroup> ragCommands()
{
    using namespace mtm::cli;
    auto group =
        std::make_unique<CommandGroup>(QStringLiteral("rag"), QStringLiteral("Search a RAG job's index of documents"),
                                       QStringLiteral("Usage: mtm rag <command> [options]"));
    group->add(std::make_unique<RagQueryCommand>());
    group->add(std::make_unique<RagEmbedCommand>());
    group->add(std::make_unique<RagServeCommand>());
    return group;
}

std::unique_ptr<mtm::cli::CommandGroup> jobsCommands()
{
    using namespace mtm::cli;
    auto group = std::make_unique<CommandGroup>(
        QStringLiteral("jobs"), QStringLiteral("Queue, follow, cancel, resume, download and delete training jobs"),
        QStringLiteral("Usage: mtm jobs <command> [options]"),
        QStringLiteral("The jobs are the desktop app's: a job queued here shows up in its window, which runs it."));
    group->add(std::make_unique<JobsCreateCommand>());
    group->add(std::make_unique<JobsListCommand>());
    group->add(std::make_unique<JobsShowCommand>());
    group->add(std::make_unique<JobsStatusCommand>());
    group->add(std::make_unique<JobsCancelCommand>());
    group->add(std::make_unique<JobsResumeCommand>());
    group->add(std::make_unique<JobsDeleteCommand>());
    group->add(std::make_unique<JobsDownloadCommand>());
    group->add(std::make_unique<JobsRunCommand>());
    return group;
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace mtm::cli;
    CommandLine commandLine;
    commandLine.add(std::make_unique<HelpCommand>(commandLine));
    commandLine.add(std::make_unique<InfoCommand>());
    commandLine.add(datasetsCommands());
    commandLine.add(jobsCommands());
    commandLine.add(std::make_unique<GenerateCommand>());
    commandLine.add(std::make_unique<TokenizeCommand>());
    commandLine.add(std::make_unique<PerplexityCommand>());
    commandLine.add(std::make_unique<ExportCommand>());
    commandLine.add(deployCommands());
    commandLine.add(ragCommands());
    commandLine.add(std::make_unique<ServeCommand>());
    commandLine.add(std::make_unique<ImportCommand>());
    commandLine.add(std::make_unique<MakeTinyModelCommand>());
    commandLine.add(std::make_unique<TrainTokenizerCommand>());
    commandLine.add(std::make_unique<TrainCommand>());

    // Commands that compute start once more with a short OpenMP spin (see CpuThreads.h); others need not.
    if (argc > 1 && commandLine.computes(QString::fromLocal8Bit(argv[1])))
        mtm::core::prepareProcessForComputing(argv);
    QCoreApplication app(argc, argv);
    mtm::core::setApplicationIdentity();

    QTextStream out(stdout);
    QTextStream err(stderr);
    CliContext context(out, err);
    const int status = commandLine.run(QCoreApplication::arguments(), context);
    out.flush();
    err.flush();
    return status;
}
