// Settings: data directory, Ollama URL, LM Studio models folder, CPU threads and the REST API (on or off, port,
// open to other computers, token), saved with QSettings.
#pragma once

#include <QDialog>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace mtm::core {
class AppSettings;
}

namespace mtm::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(core::AppSettings &settings, int cpuCores, QWidget *parent = nullptr);

    // Validates and saves; on a problem, shows it in the dialog and keeps it open.
    void accept() override;

private:
    QLineEdit *createPathEdit(const QString &objectName, const QString &value, const QString &dialogTitle,
                              QWidget **row);
    QGroupBox *createApiGroup();

    core::AppSettings &m_settings;
    QLineEdit *m_dataDirectory;
    QLineEdit *m_ollamaUrl;
    QLineEdit *m_lmStudioModels;
    QSpinBox *m_cpuThreads;
    QCheckBox *m_apiEnabled;
    QSpinBox *m_apiPort;
    QCheckBox *m_apiRemote;
    QLineEdit *m_apiToken; // the token to keep, a new one once Regenerate was clicked
    QLabel *m_error;
};

} // namespace mtm::ui
