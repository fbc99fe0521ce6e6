// The Deployment page: the completed jobs, and the ways to ship the selected one. A fine-tuned model: created in
// Ollama (merged, or base + adapter) from the Modelfile shown line by line — which the person may edit, kept as a
// draft beside the job's Ollama files until reset — installed into LM Studio, downloaded as a .tar.gz, or called
// from code. A RAG job's index: served by the retrieval service, or downloaded. Every export, upload and install
// runs in the background with its progress, time left and Cancel.
#pragma once

#include "deploy/OllamaFiles.h"
#include "pages/Page.h"
#include "pages/PageTask.h"

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;
class QTimer;

namespace mtm::core {
class AppCore;
class RetrievalService;
struct JobInfo;
} // namespace mtm::core

namespace mtm::ui {

class DeploymentPage : public Page
{
    Q_OBJECT
public:
    explicit DeploymentPage(core::AppCore &core, QWidget *parent = nullptr);
    ~DeploymentPage() override; // keeps a Modelfile edit not saved yet

    void refresh() override;
    void selectJob(qint64 id);
    qint64 selectedJobId() const; // 0 when none
    QString modelfilePreview() const;
    bool isModelfileEdited() const { return m_modelfileEdited; }
    void resetModelfile(); // back to the Modelfile written from the choices; the draft is removed
    bool isBusy() const { return m_task.isRunning(); } // until the work's result or error has been shown
    quint16 servicePort() const { return m_service ? m_servicePortInUse : 0; } // 0: not running

    void deployToOllama();
    void checkQuality();
    void installIntoLmStudio(bool replace = false);
    void importArchive(); // a model_job_<id>.tar.gz opened into a model folder; works without any job too

private:
    QWidget *createOllamaTab();
    QWidget *createLmStudioTab();
    QWidget *createArchiveTab();
    QWidget *createCodeTab();
    QWidget *createServiceTab();
    void startService();
    void stopService();
    void showService();
    std::optional<core::JobInfo> selectedJob() const;
    void showSelected();
    void showForms();
    core::OllamaFilesRequest filesRequest(const core::JobInfo &job) const; // as the Ollama tab says
    void updateModelfile();                     // written from the choices, unless the person edits it
    void setModelfileText(const QString &text); // as the program, not the person, sets it
    void modelfileChanged();
    void checkModelfile(); // whether the Modelfile deploys, with what is wrong shown where it is
    void saveModelfileDraft();
    void updateChoices();
    void adoptChoicesOf(const QString &modelfile);
    void showSnippet();
    void copyCommands();
    void download();
    void updateActions();

    core::AppCore &m_core;
    QListWidget *m_models;
    QLabel *m_summary;
    QLabel *m_forms; // the deployable forms with their sizes, and what takes each
    QTabWidget *m_targets;
    QComboBox *m_ollamaType;
    QRadioButton *m_merged;
    QRadioButton *m_adapterRoute;
    QLineEdit *m_baseName; // the adapter route's base as Ollama has it; empty: exported
    QLineEdit *m_ollamaName;
    QLineEdit *m_system;
    QLabel *m_ollamaServer;
    QPlainTextEdit *m_modelfile;
    QLabel *m_modelfileState;
    QPushButton *m_resetModelfile;
    QTimer *m_draftTimer;
    QPushButton *m_deploy;
    QPushButton *m_copyCommands;
    QPushButton *m_check;
    QLabel *m_quality;
    QLabel *m_answers;
    QComboBox *m_lmStudioType;
    QLabel *m_lmStudioTarget;
    QPushButton *m_install;
    QPushButton *m_download;
    QComboBox *m_snippetChoice;
    QPlainTextEdit *m_snippet;
    std::optional<core::OllamaRecipe> m_recipe; // of the selected job, for the preview
    bool m_jobHasAdapter = false;
    bool m_settingModelfile = false; // the program is setting the text
    bool m_modelfileEdited = false;  // the person edited the Modelfile of m_modelfileJob
    bool m_modelfileValid = false;   // it can be deployed
    qint64 m_modelfileJob = 0;
    quint64 m_recipeRequest = 0; // the recipe asked for last
    QLabel *m_imported;
    QList<QWidget *> m_modelTabs; // Ollama, LM Studio, Code: for fine-tuned models
    QWidget *m_serviceTab;        // for RAG jobs
    QSpinBox *m_servicePort;
    QPushButton *m_serviceButton;
    QLabel *m_serviceState;
    QPlainTextEdit *m_serviceSnippet;
    std::unique_ptr<core::RetrievalService> m_service; // the one running, for m_serviceJob
    qint64 m_serviceJob = 0;
    quint16 m_servicePortInUse = 0;
    PageTask m_task{this, [this] { updateActions(); }}; // an export, deploy, check, install, download or import
};

} // namespace mtm::ui
