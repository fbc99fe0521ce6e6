// Where the app keeps its database, datasets and models: MTM_DATA_DIR, else the setting, else app data.
#pragma once

#include <QString>

namespace mtm::core {

class AppSettings;

class DataDirectory
{
public:
    enum class Source { Environment, Settings, Default };

    // Decides the directory without touching the disk.
    static DataDirectory resolve(const AppSettings &settings);
    static QString defaultPath();
    static const char *environmentVariable() { return "MTM_DATA_DIR"; }

    const QString &path() const { return m_path; }
    Source source() const { return m_source; }
    QString sourceDescription() const;

    QString databaseFile() const;
    QString datasetsDirectory() const;
    QString modelsDirectory() const;
    QString logsDirectory() const;
    // Where a job described in a file runs (`mtm train FILE`): jobs/<the file's name without its extension>.
    QString jobFolderForFile(const QString &jobFile) const;

    // Creates the directory tree and checks it is writable; throws core::Error saying what is wrong.
    void ensureExists() const;

private:
    DataDirectory(QString path, Source source);

    QString m_path;
    Source m_source;
};

} // namespace mtm::core
