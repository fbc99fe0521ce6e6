#include "settings/AppSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(AppSettings)
};

const char kDataDirectory[] = "paths/dataDirectory";
const char kOllamaUrl[] = "ollama/url";
const char kLmStudioModels[] = "lmstudio/modelsDirectory";
const char kCpuThreads[] = "compute/cpuThreads";
const char kApiEnabled[] = "api/enabled";
const char kApiPort[] = "api/port";
const char kApiToken[] = "api/token";
const char kApiRemote[] = "api/acceptRemote";
const char kWindowGeometry[] = "window/geometry";
const char kWindowState[] = "window/state";
const char kLastPage[] = "window/lastPage";
const char kSampleImported[] = "datasets/sampleImported";
} // namespace

AppSettings::AppSettings()
    : AppSettings(defaultFilePath())
{}

AppSettings::AppSettings(const QString &filePath)
    : m_settings(filePath, QSettings::IniFormat)
{}

QString AppSettings::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/settings.ini");
}

QString AppSettings::defaultOllamaUrl()
{
    return QStringLiteral("http://localhost:11434");
}

QString AppSettings::defaultLmStudioModelsDirectory()
{
    // As LM Studio's own command line finds it: its home is the folder ~/.lmstudio-home-pointer names, else
    // ~/.cache/lm-studio when that exists, else ~/.lmstudio; the models are in the downloadsFolder of the home's
    // settings.json, else in its models/. What those files say is taken only as an absolute path (or one under ~/):
    // a damaged or hostile file cannot point the app at a folder relative to wherever it was started.
    const QDir home = QDir::home();
    const auto absolute = [&home](QString path) {
        path = path.trimmed();
        if (path.startsWith(QStringLiteral("~/")))
            path = home.filePath(path.mid(2));
        return QDir::isAbsolutePath(path) && !path.contains(QLatin1Char('\n')) ? QDir::cleanPath(path) : QString();
    };
    const auto readSmall = [](const QString &path, qint64 limit) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) && file.size() <= limit ? file.readAll() : QByteArray();
    };
    QString lmStudioHome =
        absolute(QString::fromUtf8(readSmall(home.filePath(QStringLiteral(".lmstudio-home-pointer")), 4096)));
    if (lmStudioHome.isEmpty())
        lmStudioHome = QFileInfo(home.filePath(QStringLiteral(".cache/lm-studio"))).isDir()
                           ? home.filePath(QStringLiteral(".cache/lm-studio"))
                           : home.filePath(QStringLiteral(".lmstudio"));
    const QJsonValue downloads =
        QJsonDocument::fromJson(readSmall(lmStudioHome + QStringLiteral("/settings.json"), 1 << 20))
            .object()
            .value(QStringLiteral("downloadsFolder"));
    if (const QString folder = absolute(downloads.toString()); !folder.isEmpty())
        return folder;
    return QDir::cleanPath(lmStudioHome + QStringLiteral("/models"));
}

QString AppSettings::filePath() const
{
    return m_settings.fileName();
}

QString AppSettings::dataDirectory() const
{
    return m_settings.value(kDataDirectory).toString();
}

void AppSettings::setDataDirectory(const QString &path)
{
    if (path.trimmed().isEmpty())
        m_settings.remove(kDataDirectory);
    else
        m_settings.setValue(kDataDirectory, QDir::cleanPath(path.trimmed()));
}

QString AppSettings::ollamaUrl() const
{
    return m_settings.value(kOllamaUrl, defaultOllamaUrl()).toString();
}

void AppSettings::setOllamaUrl(const QString &url)
{
    QString cleaned = url.trimmed();
    while (cleaned.endsWith(QLatin1Char('/')))
        cleaned.chop(1);
    m_settings.setValue(kOllamaUrl, cleaned);
}

QString AppSettings::lmStudioModelsDirectory() const
{
    return m_settings.value(kLmStudioModels, defaultLmStudioModelsDirectory()).toString();
}

void AppSettings::setLmStudioModelsDirectory(const QString &path)
{
    m_settings.setValue(kLmStudioModels, QDir::cleanPath(path.trimmed()));
}

bool AppSettings::apiEnabled() const
{
    return m_settings.value(kApiEnabled, true).toBool();
}

void AppSettings::setApiEnabled(bool enabled)
{
    m_settings.setValue(kApiEnabled, enabled);
}

quint16 AppSettings::apiPort() const
{
    const int port = m_settings.value(kApiPort, 8000).toInt();
    return port > 0 && port <= 65535 ? quint16(port) : quint16(8000);
}

void AppSettings::setApiPort(quint16 port)
{
    m_settings.setValue(kApiPort, port);
}

bool AppSettings::apiAcceptsRemote() const
{
    return m_settings.value(kApiRemote, false).toBool();
}

void AppSettings::setApiAcceptsRemote(bool accepts)
{
    m_settings.setValue(kApiRemote, accepts);
}

QString AppSettings::apiToken()
{
    const QString kept = m_settings.value(kApiToken).toString();
    static const QRegularExpression wellFormed(QStringLiteral("^[0-9a-f]{64}$"));
    if (wellFormed.match(kept).hasMatch())
        return kept;
    const QString token = newApiToken();
    setApiToken(token);
    m_settings.sync();
    return token;
}

void AppSettings::setApiToken(const QString &token)
{
    m_settings.setValue(kApiToken, token);
}

QString AppSettings::newApiToken()
{
    QByteArray bytes(32, '\0');
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return QString::fromLatin1(bytes.toHex());
}

int AppSettings::cpuThreads() const
{
    return qMax(0, m_settings.value(kCpuThreads, 0).toInt());
}

void AppSettings::setCpuThreads(int threads)
{
    m_settings.setValue(kCpuThreads, qMax(0, threads));
}

bool AppSettings::sampleDatasetImported() const
{
    return m_settings.value(kSampleImported, false).toBool();
}

void AppSettings::setSampleDatasetImported(bool imported)
{
    m_settings.setValue(kSampleImported, imported);
}

QByteArray AppSettings::mainWindowGeometry() const
{
    return m_settings.value(kWindowGeometry).toByteArray();
}

void AppSettings::setMainWindowGeometry(const QByteArray &geometry)
{
    m_settings.setValue(kWindowGeometry, geometry);
}

QByteArray AppSettings::mainWindowState() const
{
    return m_settings.value(kWindowState).toByteArray();
}

void AppSettings::setMainWindowState(const QByteArray &state)
{
    m_settings.setValue(kWindowState, state);
}

QString AppSettings::lastPage() const
{
    return m_settings.value(kLastPage).toString();
}

void AppSettings::setLastPage(const QString &page)
{
    m_settings.setValue(kLastPage, page);
}

bool AppSettings::sync(QString *errorMessage)
{
    m_settings.sync();
    if (m_settings.status() == QSettings::NoError)
        return true;
    if (errorMessage) {
        *errorMessage =
            m_settings.status() == QSettings::AccessError
                ? Text::tr("Cannot write the settings file %1: permission denied or disk full.").arg(filePath())
                : Text::tr("The settings file %1 is malformed; fix or delete it.").arg(filePath());
    }
    return false;
}

QString AppSettings::checkOllamaUrl(const QString &url)
{
    const QUrl parsed(url.trimmed(), QUrl::StrictMode);
    if (url.trimmed().isEmpty())
        return Text::tr("Enter the address of the Ollama server, e.g. %1.").arg(defaultOllamaUrl());
    if (!parsed.isValid())
        return Text::tr("This is not a valid URL: %1").arg(parsed.errorString());
    if (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
        return Text::tr("The URL must start with http:// or https://.");
    if (parsed.host().isEmpty())
        return Text::tr("The URL has no host name, e.g. localhost.");
    return QString();
}

} // namespace mtm::core
