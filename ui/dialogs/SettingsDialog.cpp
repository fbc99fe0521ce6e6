#include "dialogs/SettingsDialog.h"

#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mtm::ui {

SettingsDialog::SettingsDialog(core::AppSettings &settings, int cpuCores, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_ollamaUrl(new QLineEdit(settings.ollamaUrl(), this))
    , m_cpuThreads(new QSpinBox(this))
    , m_apiEnabled(new QCheckBox(tr("Serve the REST API for scripts and other programs"), this))
    , m_apiPort(new QSpinBox(this))
    , m_apiRemote(new QCheckBox(tr("Accept requests from other computers (they must send the token)"), this))
    , m_apiToken(new QLineEdit(settings.apiToken(), this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    const core::DataDirectory dataDirectory = core::DataDirectory::resolve(settings);
    QWidget *dataRow = nullptr;
    m_dataDirectory = createPathEdit(QStringLiteral("dataDirectoryEdit"), dataDirectory.path(),
                                     tr("Choose the data directory"), &dataRow);
    auto *dataNote = new QLabel(this);
    dataNote->setWordWrap(true);
    dataNote->setForegroundRole(QPalette::PlaceholderText);
    if (dataDirectory.source() == core::DataDirectory::Source::Environment) {
        dataRow->setEnabled(false);
        dataNote->setText(tr("Set by the environment variable %1 for this session.")
                              .arg(QLatin1String(core::DataDirectory::environmentVariable())));
    } else {
        dataNote->setText(tr("Database, datasets and trained models live here. A change takes effect the next "
                             "time the app starts; existing data is not moved."));
    }

    m_ollamaUrl->setObjectName(QStringLiteral("ollamaUrlEdit"));
    m_ollamaUrl->setPlaceholderText(core::AppSettings::defaultOllamaUrl());

    QWidget *lmStudioRow = nullptr;
    m_lmStudioModels = createPathEdit(QStringLiteral("lmStudioModelsEdit"), settings.lmStudioModelsDirectory(),
                                      tr("Choose LM Studio's models folder"), &lmStudioRow);

    m_cpuThreads->setObjectName(QStringLiteral("cpuThreadsSpin"));
    m_cpuThreads->setRange(0, qMax(256, cpuCores * 4));
    m_cpuThreads->setSpecialValueText(tr("Automatic: %n thread(s), one per logical core", nullptr, cpuCores));
    m_cpuThreads->setValue(settings.cpuThreads());

    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Data directory:"), dataRow);
    form->addRow(QString(), dataNote);
    form->addRow(tr("Ollama URL:"), m_ollamaUrl);
    form->addRow(tr("LM Studio models folder:"), lmStudioRow);
    form->addRow(tr("CPU threads:"), m_cpuThreads);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(createApiGroup());
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(buttons);
    resize(620, sizeHint().height());
}

QLineEdit *SettingsDialog::createPathEdit(const QString &objectName, const QString &value, const QString &dialogTitle,
                                          QWidget **row)
{
    auto *edit = new QLineEdit(QDir::toNativeSeparators(value), this);
    edit->setObjectName(objectName);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this, edit, dialogTitle] {
        const QString chosen = QFileDialog::getExistingDirectory(this, dialogTitle, edit->text());
        if (!chosen.isEmpty())
            edit->setText(QDir::toNativeSeparators(chosen));
    });
    *row = new QWidget(this);
    auto *layout = new QHBoxLayout(*row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return edit;
}

QGroupBox *SettingsDialog::createApiGroup()
{
    auto *group = new QGroupBox(tr("REST API"), this);
    m_apiEnabled->setObjectName(QStringLiteral("apiEnabledCheck"));
    m_apiEnabled->setChecked(m_settings.apiEnabled());
    m_apiPort->setObjectName(QStringLiteral("apiPortSpin"));
    m_apiPort->setRange(1, 65535);
    m_apiPort->setValue(m_settings.apiPort());
    m_apiPort->setMaximumWidth(120);
    m_apiRemote->setObjectName(QStringLiteral("apiRemoteCheck"));
    m_apiRemote->setChecked(m_settings.apiAcceptsRemote());

    m_apiToken->setObjectName(QStringLiteral("apiTokenEdit"));
    m_apiToken->setReadOnly(true);
    m_apiToken->setEchoMode(QLineEdit::Password);
    auto *show = new QPushButton(tr("Show"), group);
    show->setObjectName(QStringLiteral("apiTokenShowButton"));
    show->setCheckable(true);
    connect(show, &QPushButton::toggled, this, [this, show](bool shown) {
        m_apiToken->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        show->setText(shown ? tr("Hide") : tr("Show"));
    });
    auto *copy = new QPushButton(tr("Copy"), group);
    copy->setObjectName(QStringLiteral("apiTokenCopyButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_apiToken->text()); });
    auto *regenerate = new QPushButton(tr("Regenerate"), group);
    regenerate->setObjectName(QStringLiteral("apiTokenRegenerateButton"));
    regenerate->setToolTip(tr("A new token, from OK on: programs that use the old one are refused."));
    connect(regenerate, &QPushButton::clicked, this, [this] { m_apiToken->setText(core::AppSettings::newApiToken()); });
    auto *tokenRow = new QWidget(group);
    auto *tokenLayout = new QHBoxLayout(tokenRow);
    tokenLayout->setContentsMargins(0, 0, 0, 0);
    tokenLayout->addWidget(m_apiToken, 1);
    tokenLayout->addWidget(show);
    tokenLayout->addWidget(copy);
    tokenLayout->addWidget(regenerate);

    auto *note = new QLabel(group);
    note->setObjectName(QStringLiteral("apiNote"));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    const auto describe = [this, note] {
        note->setText(m_apiRemote->isChecked()
                          ? tr("Other computers reach it at port %1 of this computer's addresses and must send "
                               "Authorization: Bearer <token>; programs on this computer need no token.")
                                .arg(m_apiPort->value())
                          : tr("Programs on this computer reach it at http://127.0.0.1:%1/api/v1/; other computers "
                               "cannot.")
                                .arg(m_apiPort->value()));
    };
    describe();
    connect(m_apiPort, &QSpinBox::valueChanged, this, describe);
    connect(m_apiRemote, &QCheckBox::toggled, this, describe);

    auto *form = new QFormLayout;
    form->addRow(tr("Port:"), m_apiPort);
    form->addRow(QString(), m_apiRemote);
    form->addRow(tr("Token:"), tokenRow);
    form->addRow(QString(), note);
    auto *details = new QWidget(group);
    details->setLayout(form);
    const auto enable = [this, details, tokenRow] {
        details->setEnabled(m_apiEnabled->isChecked());
        tokenRow->setEnabled(m_apiEnabled->isChecked() && m_apiRemote->isChecked());
    };
    enable();
    connect(m_apiEnabled, &QCheckBox::toggled, this, enable);
    connect(m_apiRemote, &QCheckBox::toggled, this, enable);

    auto *layout = new QVBoxLayout(group);
    layout->addWidget(m_apiEnabled);
    layout->addWidget(details);
    return group;
}

void SettingsDialog::accept()
{
    const QString urlProblem = core::AppSettings::checkOllamaUrl(m_ollamaUrl->text());
    QString problem;
    if (!urlProblem.isEmpty())
        problem = tr("Ollama URL: %1").arg(urlProblem);
    else if (m_dataDirectory->isEnabled() && m_dataDirectory->text().trimmed().isEmpty())
        problem = tr("Data directory: choose a folder.");
    else if (m_lmStudioModels->text().trimmed().isEmpty())
        problem = tr("LM Studio models folder: choose a folder.");
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }

    if (m_dataDirectory->isEnabled()) {
        const QString chosen = QDir::cleanPath(QDir::fromNativeSeparators(m_dataDirectory->text().trimmed()));
        // Store "default" as no setting, so that the default can move with the platform's conventions.
        m_settings.setDataDirectory(chosen == QDir::cleanPath(core::DataDirectory::defaultPath()) ? QString() : chosen);
    }
    m_settings.setOllamaUrl(m_ollamaUrl->text());
    m_settings.setLmStudioModelsDirectory(QDir::fromNativeSeparators(m_lmStudioModels->text()));
    m_settings.setCpuThreads(m_cpuThreads->value());
    m_settings.setApiEnabled(m_apiEnabled->isChecked());
    m_settings.setApiPort(quint16(m_apiPort->value()));
    m_settings.setApiAcceptsRemote(m_apiRemote->isChecked());
    m_settings.setApiToken(m_apiToken->text());
    QString saveError;
    if (!m_settings.sync(&saveError)) {
        m_error->setText(saveError);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace mtm::ui
