#include "settings/DataDirectory.h"

#include "Error.h"
#include "settings/AppSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DataDirectory)
};

} // namespace

DataDirectory::DataDirectory(QString path, Source source)
    : m_path(QDir::cleanPath(QDir(path).absolutePath()))
    , m_source(source)
{}

DataDirectory DataDirectory::resolve(const AppSettings &settings)
{
    const QString fromEnvironment = qEnvironmentVariable(environmentVariable()).trimmed();
    if (!fromEnvironment.isEmpty())
        return DataDirectory(fromEnvironment, Source::Environment);
    const QString fromSettings = settings.dataDirectory();
    if (!fromSettings.isEmpty())
        return DataDirectory(fromSettings, Source::Settings);
    return DataDirectory(defaultPath(), Source::Default);
}

QString DataDirectory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString DataDirectory::sourceDescription() const
{
    switch (m_source) {
    case Source::Environment:
        return Text::tr("set by the environment variable %1").arg(QLatin1String(environmentVariable()));
    case Source::Settings:
        return Text::tr("chosen in Settings");
    case Source::Default:
        break;
    }
    return Text::tr("default");
}

QString DataDirectory::databaseFile() const
{
    return m_path + QStringLiteral("/mtm.sqlite");
}

QString DataDirectory::datasetsDirectory() const
{
    return m_path + QStringLiteral("/datasets");
}

QString DataDirectory::modelsDirectory() const
{
    return m_path + QStringLiteral("/models");
}

QString DataDirectory::logsDirectory() const
{
    return m_path + QStringLiteral("/logs");
}

QString DataDirectory::jobFolderForFile(const QString &jobFile) const
{
    return m_path + QStringLiteral("/jobs/") + QFileInfo(jobFile).completeBaseName();
}

void DataDirectory::ensureExists() const
{
    const QFileInfo info(m_path);
    if (info.exists() && !info.isDir())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("The data directory %1 is a file, not a directory. Choose another location "
                             "in Settings or with %2.")
                        .arg(m_path, QLatin1String(environmentVariable())));
    for (const QString &dir : {m_path, datasetsDirectory(), modelsDirectory(), logsDirectory()}) {
        if (!QDir().mkpath(dir))
            throw Error(Error::Kind::Io,
                        Text::tr("Cannot create the directory %1. Check its permissions and free space, "
                                 "or choose another data directory in Settings or with %2.")
                            .arg(dir, QLatin1String(environmentVariable())));
    }
    QTemporaryFile probe(m_path + QStringLiteral("/.write-test-XXXXXX"));
    if (!probe.open())
        throw Error(Error::Kind::Io,
                    Text::tr("The data directory %1 is not writable (%2). Check its permissions or choose "
                             "another data directory.")
                        .arg(m_path, probe.errorString()));
}

} // namespace mtm::core
