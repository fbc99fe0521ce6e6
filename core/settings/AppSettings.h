// The user's preferences, persisted with QSettings in an INI file under the app's config location.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>

namespace mtm::core {

class AppSettings
{
public:
    // Settings in the standard place: ~/.config/model-training-manager/settings.ini on Linux.
    AppSettings();
    // Settings in a file of the caller's choosing (tests, portable installs).
    explicit AppSettings(const QString &filePath);

    static QString defaultFilePath();
    static QString defaultOllamaUrl();
    static QString defaultLmStudioModelsDirectory(); // found as LM Studio's command line finds it

    QString filePath() const;

    // Empty means the default location (see DataDirectory).
    QString dataDirectory() const;
    void setDataDirectory(const QString &path);

    QString ollamaUrl() const;
    void setOllamaUrl(const QString &url);

    QString lmStudioModelsDirectory() const;
    void setLmStudioModelsDirectory(const QString &path);

    // The REST API in the desktop app: on (the default) or off, its port, and whether it listens on every network
    // of this computer (requests from other computers then need the token) or on 127.0.0.1 only (the default).
    bool apiEnabled() const;
    void setApiEnabled(bool enabled);
    quint16 apiPort() const;
    void setApiPort(quint16 port);
    bool apiAcceptsRemote() const;
    void setApiAcceptsRemote(bool accepts);
    // The bearer token requests from other computers must send; made and kept the first time it is asked for.
    QString apiToken();
    void setApiToken(const QString &token);
    // A new token: 32 random bytes from the system's generator, in hex.
    static QString newApiToken();

    // 0 means one thread per logical core.
    int cpuThreads() const;
    void setCpuThreads(int threads);

    // Whether the sample dataset was imported (or offered) on a first start already.
    bool sampleDatasetImported() const;
    void setSampleDatasetImported(bool imported);

    QByteArray mainWindowGeometry() const;
    void setMainWindowGeometry(const QByteArray &geometry);
    QByteArray mainWindowState() const;
    void setMainWindowState(const QByteArray &state);
    QString lastPage() const;
    void setLastPage(const QString &page);

    // Writes pending changes to disk; returns false and fills errorMessage when that failed.
    bool sync(QString *errorMessage = nullptr);

    // Checks a URL typed by the user; returns an empty string when it is usable, else what is wrong.
    static QString checkOllamaUrl(const QString &url);

private:
    mutable QSettings m_settings;
};

} // namespace mtm::core
