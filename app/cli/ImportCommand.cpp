#include "ImportCommand.h"

#include "AppCore.h"
#include "ProgressLine.h"
#include "deploy/ModelArchive.h"
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
    QString name = QFileInfo(archive).fileName();
    for (const QString &extension : {QStringLiteral(".tar.gz"), QStringLiteral(".tgz"), QStringLiteral(".tar")})
        if (name.endsWith(extension))
            name.chop(extension.size());
    const QString target = parser.isSet(m_to)
                               ? parser.value(m_to)
                               : context.core().dataDirectory().modelsDirectory() + QStringLiteral("/imported/") + name;
    {
        TerminalProgress progress(QStringLiteral("Opening %1").arg(QFileInfo(archive).fileName()));
        core::extractModelArchive(archive, target, progress.report());
    }
    // A job's archive holds one folder (lora_model/, ...): that is the model to use.
    const QStringList inside = QDir(target).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    const QString model = inside.size() == 1 && QFileInfo(target + QLatin1Char('/') + inside.first()).isDir()
                              ? target + QLatin1Char('/') + inside.first()
                              : target;
    context.out << "Opened " << archive << " into " << QDir::toNativeSeparators(model) << ".\n";
    return Success;
}

} // namespace mtm::cli
