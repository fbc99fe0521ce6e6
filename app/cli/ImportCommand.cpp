#include "ImportCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/JobDownload.h"
#include "settings/DataDirectory.h"

#include <QDir>
#include <QFileInfo>

namespace mtm::cli {

ImportCommand::ImportCommand()
    : ParsedCommand(QStringLiteral("import"), QStringLiteral("Open a model archive (.tar.gz) into a folder"))
{
    setDescription(QStringLiteral(
        "Extracts a model archive such as model_job_<id>.tar.gz into a new folder. Only plain files and folders "
        "are written, only inside that folder: absolute paths, '..', links, devices and archives that expand far "
        "beyond their size are refused, and nothing is left behind when one is."));
    addPositional(QStringLiteral("ARCHIVE"), QStringLiteral("The .tar.gz (or .tar) file."));
    setArgumentCount(1, 1);
    addOptions({m_to});
}

int ImportCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const QString archive = parser.positionalArguments().at(0);
    const QString target = parser.isSet(m_to)
                               ? parser.value(m_to)
                               : core::importFolderFor(context.core().dataDirectory().modelsDirectory(), archive);
    QString model;
    {
        TerminalProgress progress(QStringLiteral("Opening %1").arg(QFileInfo(archive).fileName()));
        model = core::importModelArchive(archive, target, progress.report());
    }
    context.out << "Opened " << archive << " into " << QDir::toNativeSeparators(model) << ".\n";
    return Success;
}

} // namespace mtm::cli
