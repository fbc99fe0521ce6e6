// `mtm`: the headless command line over the same core as the desktop app.
#include "CommandLine.h"
#include "DatasetsCommand.h"
#include "InfoCommand.h"
#include "ModelCommands.h"
#include "TrainCommand.h"
#include "system/AppIdentity.h"
#include "system/CpuThreads.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Commands that compute start once more with a short OpenMP spin (see CpuThreads.h); others need not.
    if (argc > 1 && (qstrcmp(argv[1], "generate") == 0 || qstrcmp(argv[1], "perplexity") == 0 ||
                     qstrcmp(argv[1], "train") == 0))
        mtm::core::prepareProcessForComputing(argv);
    QCoreApplication app(argc, argv);
    mtm::core::setApplicationIdentity();

    QTextStream out(stdout);
    QTextStream err(stderr);
    mtm::cli::CommandLine commandLine;
    commandLine.add(std::make_unique<mtm::cli::InfoCommand>());
    commandLine.add(std::make_unique<mtm::cli::DatasetsCommand>());
    commandLine.add(std::make_unique<mtm::cli::GenerateCommand>());
    commandLine.add(std::make_unique<mtm::cli::TokenizeCommand>());
    commandLine.add(std::make_unique<mtm::cli::PerplexityCommand>());
    commandLine.add(std::make_unique<mtm::cli::MakeTinyModelCommand>());
    commandLine.add(std::make_unique<mtm::cli::TrainTokenizerCommand>());
    commandLine.add(std::make_unique<mtm::cli::TrainCommand>());
    const int status = commandLine.run(QCoreApplication::arguments(), {out, err});
    out.flush();
    err.flush();
    return status;
}
