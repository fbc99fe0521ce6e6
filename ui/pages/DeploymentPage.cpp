#include "pages/DeploymentPage.h"

#include "AppCore.h"
#include "BackgroundTask.h"
#include "DurableFile.h"
#include "deploy/CodeSnippets.h"
#include "deploy/DeployableForms.h"
#include "deploy/DeploymentName.h"
#include "deploy/JobDownload.h"
#include "deploy/LmStudioInstall.h"
#include "deploy/Modelfile.h"
#include "deploy/OllamaClient.h"
#include "deploy/OllamaDeploy.h"
#include "deploy/QualityCheck.h"
#include "dialogs/FileDialog.h"
#include "dialogs/MessageBox.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobQueue.h"
#include "model/ModelExport.h"
#include "pages/JobArchiveDownload.h"
#include "rag/RagModel.h"
#include "rag/RetrievalService.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace mtm::ui {
namespace {

QComboBox *typeChoice(QWidget *parent, const QString &name)
{
    auto *choice = new QComboBox(parent);
    choice->setObjectName(name);
    choice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon); // the window may be narrow
    choice->setMinimumContentsLength(16);
    const QStringList descriptions = {DeploymentPage::tr("Q4_K_M — the usual choice: under a third of F16"),
                                      DeploymentPage::tr("Q5_K_M — a little larger, a little closer to F16"),
                                      DeploymentPage::tr("Q8_0 — almost no loss, half of F16"),
                                      DeploymentPage::tr("F16 — the reference")};
    const QStringList types = {QStringLiteral("q4_k_m"), QStringLiteral("q5_k_m"), QStringLiteral("q8_0"),
                               QStringLiteral("f16")};
    for (int i = 0; i < types.size(); ++i)
        choice->addItem(descriptions[i], types[i]);
    return choice;
}

// A label for what the page works out or reports: wrapped, and selectable for copying.
QLabel *selectableLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// A tab's explanation above its fields.
QLabel *noteLabel(QWidget *parent, const QString &text)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

QPlainTextEdit *codeView(QWidget *parent, const QString &name)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(name);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

// Where the person's edit of a job's Modelfile is kept until it is deployed or reset.
QString modelfileDraft(const core::JobInfo &job)
{
    return job.directory + QStringLiteral("/ollama/Modelfile.draft");
}

} // namespace

DeploymentPage::DeploymentPage(core::AppCore &core, QWidget *parent)
    : Page(parent)
    , m_core(core)
    , m_models(new QListWidget(this))
    , m_summary(selectableLabel(this, QStringLiteral("deploymentSummary")))
    , m_forms(selectableLabel(this, QStringLiteral("deployableForms")))
    , m_targets(new QTabWidget(this))
{
    setObjectName(QStringLiteral("deploymentPage"));
    auto *header = new PageHeader(tr("Deployment"),
                                  tr("Create a trained model in Ollama, install it into LM Studio, download it, or "
                                     "call it from code."),
                                  this);
    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/deployment.svg"), tr("Nothing to deploy yet"),
        tr("When a training job completes, its model appears here, ready to create in Ollama, to copy into LM "
           "Studio's models folder, or to download as a .tar.gz archive."),
        this);
    empty->setObjectName(QStringLiteral("deploymentEmptyState"));

    m_models->setObjectName(QStringLiteral("deployableModels"));
    m_models->setMinimumWidth(160);
    m_models->setWordWrap(true);
    m_models->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_models, &QListWidget::currentRowChanged, this, [this] { showSelected(); });
    m_targets->setObjectName(QStringLiteral("deploymentTargets"));
    m_modelTabs = {createOllamaTab(), createLmStudioTab(), createCodeTab()};
    m_targets->addTab(m_modelTabs[0], tr("Ollama"));
    m_targets->addTab(m_modelTabs[1], tr("LM Studio"));
    m_targets->addTab(createArchiveTab(), tr("Archive"));
    m_targets->addTab(m_modelTabs[2], tr("Code"));
    m_serviceTab = createServiceTab();
    m_targets->addTab(m_serviceTab, tr("Retrieval Service"));

    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_summary);
    detailsLayout->addWidget(m_forms);
    detailsLayout->addWidget(m_targets, 1);
    auto *content = new QSplitter(Qt::Horizontal, this);
    content->setObjectName(QStringLiteral("deploymentContent"));
    content->addWidget(m_models);
    content->addWidget(details);
    content->setStretchFactor(0, 1);
    content->setStretchFactor(1, 3);
    setUp(header, empty, content);

    connect(&m_core.queue(), &core::JobQueue::jobsChanged, this, &DeploymentPage::refresh);
    refresh();
}

DeploymentPage::~DeploymentPage()
{
    if (m_draftTimer->isActive())
        saveModelfileDraft();
}

QWidget *DeploymentPage::createOllamaTab()
{
    auto *tab = new QWidget(m_targets);
    m_ollamaType = typeChoice(tab, QStringLiteral("ollamaType"));
    m_merged = new QRadioButton(tr("Merged: one file (every Ollama version takes it)"), tab);
    m_merged->setObjectName(QStringLiteral("ollamaMerged"));
    m_merged->setToolTip(tr("The adapter merged into the base model's weights: one GGUF file"));
    m_merged->setChecked(true);
    m_adapterRoute = new QRadioButton(tr("Base + adapter: two files"), tab);
    m_adapterRoute->setObjectName(QStringLiteral("ollamaAdapterRoute"));
    m_adapterRoute->setToolTip(tr("The base model and the LoRA adapter as two GGUF files (FROM and ADAPTER); some "
                                  "Ollama versions refuse adapters"));
    auto *routes = new QButtonGroup(tab);
    routes->addButton(m_merged);
    routes->addButton(m_adapterRoute);
    m_baseName = new QLineEdit(tab);
    m_baseName->setObjectName(QStringLiteral("ollamaBaseName"));
    m_baseName->setPlaceholderText(tr("Exported with the adapter; or the Ollama model it is, e.g. llama3.2:1b"));
    m_baseName->setToolTip(tr("When Ollama already has the very base model the adapter was trained on, name it: "
                              "only the adapter is uploaded"));
    m_ollamaName = new QLineEdit(tab);
    m_ollamaName->setObjectName(QStringLiteral("ollamaName"));
    m_system = new QLineEdit(tab);
    m_system->setObjectName(QStringLiteral("ollamaSystem"));
    m_system->setPlaceholderText(tr("None"));
    m_ollamaServer = new QLabel(tab);
    m_ollamaServer->setObjectName(QStringLiteral("ollamaServer"));
    m_modelfile = codeView(tab, QStringLiteral("modelfilePreview"));
    m_modelfile->setReadOnly(false);
    m_modelfileState = selectableLabel(tab, QStringLiteral("modelfileState"));
    m_resetModelfile = new QPushButton(tr("Reset"), tab);
    m_resetModelfile->setObjectName(QStringLiteral("resetModelfile"));
    m_resetModelfile->setToolTip(tr("Throw your edit away and write the Modelfile from the choices above again"));
    m_draftTimer = new QTimer(this);
    m_draftTimer->setSingleShot(true);
    m_draftTimer->setInterval(500);
    connect(m_draftTimer, &QTimer::timeout, this, &DeploymentPage::saveModelfileDraft);
    connect(m_modelfile, &QPlainTextEdit::textChanged, this, &DeploymentPage::modelfileChanged);
    connect(m_resetModelfile, &QPushButton::clicked, this, &DeploymentPage::resetModelfile);
    m_deploy = new QPushButton(tr("Deploy to Ollama"), tab);
    m_deploy->setObjectName(QStringLiteral("deployOllamaButton"));
    m_copyCommands = new QPushButton(tr("Copy Commands"), tab);
    m_copyCommands->setObjectName(QStringLiteral("copyOllamaCommands"));
    m_copyCommands->setToolTip(tr("The commands that create the same model from a terminal"));
    m_check = new QPushButton(tr("Check Quality"), tab);
    m_check->setObjectName(QStringLiteral("checkQualityButton"));
    m_check->setToolTip(tr("Score the job's held-out records with the base, the fine-tuned and the GGUF model"));
    m_quality = selectableLabel(tab, QStringLiteral("qualityCheck"));
    m_answers = selectableLabel(tab, QStringLiteral("ollamaAnswers"));

    connect(m_ollamaType, &QComboBox::currentIndexChanged, this, [this] {
        updateModelfile();
        showForms();
    });
    for (QRadioButton *button : {m_merged, m_adapterRoute})
        connect(button, &QRadioButton::toggled, this, &DeploymentPage::updateModelfile);
    connect(m_system, &QLineEdit::textChanged, this, &DeploymentPage::updateModelfile);
    connect(m_baseName, &QLineEdit::textChanged, this, &DeploymentPage::updateModelfile);
    connect(m_adapterRoute, &QRadioButton::toggled, this, &DeploymentPage::updateChoices);
    connect(m_deploy, &QPushButton::clicked, this, &DeploymentPage::deployToOllama);
    connect(m_copyCommands, &QPushButton::clicked, this, &DeploymentPage::copyCommands);
    connect(m_check, &QPushButton::clicked, this, &DeploymentPage::checkQuality);

    auto *form = new QFormLayout;
    form->addRow(tr("Model name:"), m_ollamaName);
    form->addRow(tr("Type:"), m_ollamaType);
    form->addRow(tr("Files:"), m_merged);
    form->addRow(QString(), m_adapterRoute);
    form->addRow(tr("Base:"), m_baseName);
    form->addRow(tr("System message:"), m_system);
    form->addRow(tr("Server:"), m_ollamaServer);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_deploy);
    buttons->addWidget(m_copyCommands);
    buttons->addStretch();
    buttons->addWidget(m_check);
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(form);
    auto *modelfileTitle = new QHBoxLayout;
    modelfileTitle->addWidget(new QLabel(tr("The Modelfile the model is created from:"), tab), 1);
    modelfileTitle->addWidget(m_resetModelfile);
    layout->addLayout(modelfileTitle);
    layout->addWidget(m_modelfile, 1);
    layout->addWidget(m_modelfileState);
    layout->addLayout(buttons);
    layout->addWidget(m_quality);
    layout->addWidget(m_answers);
    return tab;
}

QWidget *DeploymentPage::createLmStudioTab()
{
    auto *tab = new QWidget(m_targets);
    m_lmStudioType = typeChoice(tab, QStringLiteral("lmStudioType"));
    m_lmStudioTarget = selectableLabel(tab, QStringLiteral("lmStudioTarget"));
    m_install = new QPushButton(tr("Install into LM Studio"), tab);
    m_install->setObjectName(QStringLiteral("installLmStudioButton"));
    connect(m_lmStudioType, &QComboBox::currentIndexChanged, this, &DeploymentPage::showSelected);
    connect(m_install, &QPushButton::clicked, this, [this] { installIntoLmStudio(); });
    auto *note =
        noteLabel(tab, tr("LM Studio loads merged models only: it cannot apply a LoRA adapter of its own, so the "
                          "adapter is merged into the file. The models folder is LM Studio's own, or the one "
                          "in Settings."));
    auto *form = new QFormLayout;
    form->addRow(tr("Type:"), m_lmStudioType);
    form->addRow(tr("File:"), m_lmStudioTarget);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(m_install, 0, Qt::AlignLeft);
    layout->addStretch();
    return tab;
}

QWidget *DeploymentPage::createArchiveTab()
{
    auto *tab = new QWidget(m_targets);
    m_download = new QPushButton(tr("Download .tar.gz…"), tab);
    m_download->setObjectName(QStringLiteral("deploymentDownloadButton"));
    connect(m_download, &QPushButton::clicked, this, &DeploymentPage::download);
    auto *import = new QPushButton(tr("Import Archive…"), tab);
    import->setObjectName(QStringLiteral("importArchiveButton"));
    import->setToolTip(tr("Open a model_job_<id>.tar.gz, from this computer or another, into a model folder"));
    connect(import, &QPushButton::clicked, this, &DeploymentPage::importArchive);
    m_imported = selectableLabel(tab, QStringLiteral("importedArchive"));
    m_imported->setTextFormat(Qt::PlainText);
    auto *note = noteLabel(tab, tr("The job's model folder as one archive, for another computer or a Python "
                                   "environment: tar -xzf model_job_<id>.tar.gz opens it, and Import Archive (or mtm "
                                   "import) opens it safely: nothing outside its folder, no links, no oversized "
                                   "surprises."));
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(note);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_download);
    buttons->addWidget(import);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(m_imported);
    layout->addStretch();
    return tab;
}

QWidget *DeploymentPage::createServiceTab()
{
    auto *tab = new QWidget(m_targets);
    m_servicePort = new QSpinBox(tab);
    m_servicePort->setObjectName(QStringLiteral("servicePort"));
    m_servicePort->setRange(1, 65535);
    m_servicePort->setValue(core::RetrievalService::kDefaultPort);
    m_serviceButton = new QPushButton(tr("Start"), tab);
    m_serviceButton->setObjectName(QStringLiteral("serviceButton"));
    m_serviceState = selectableLabel(tab, QStringLiteral("serviceState"));
    m_serviceSnippet = codeView(tab, QStringLiteral("serviceSnippet"));
    connect(m_serviceButton, &QPushButton::clicked, this, [this] {
        if (m_service)
            stopService();
        else
            startService();
    });
    auto *note = noteLabel(tab, tr("The retrieval service of the user guide for this job's index, on this computer: "
                                   "POST /retrieve with {\"query\", \"top_k\"} answers the documents found and their "
                                   "scores. It runs while the app does, until stopped."));
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Port:"), tab));
    row->addWidget(m_servicePort);
    row->addWidget(m_serviceButton);
    row->addStretch();
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(note);
    layout->addLayout(row);
    layout->addWidget(m_serviceState);
    layout->addWidget(m_serviceSnippet, 1);
    return tab;
}

void DeploymentPage::startService()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job || m_task.isRunning())
        return;
    const quint16 port = quint16(m_servicePort->value());
    m_task.run(
        tr("Retrieval Service"), tr("Opening the index of %1…").arg(job->request.name),
        QStringLiteral("deploymentProgress"),
        [job = *job](const core::Progress &, const auto &) {
            return std::shared_ptr<const core::RagModel>(core::RagModel::ofJob(job));
        },
        [this, id = job->id, port](std::shared_ptr<const core::RagModel> model) {
            auto service = std::make_unique<core::RetrievalService>(std::move(model));
            try {
                m_servicePortInUse = service->start(QHostAddress::LocalHost, port);
            } catch (const core::Error &error) {
                MessageBox::warning(this, tr("Cannot Start the Service"), error.message());
                return;
            }
            m_service = std::move(service);
            m_serviceJob = id;
            showService();
            emit statusMessage(
                tr("The retrieval service answers at http://127.0.0.1:%1/retrieve.").arg(m_servicePortInUse));
        },
        [this](const core::Error &error) {
            MessageBox::warning(this, tr("Cannot Start the Service"), error.message());
        });
}

void DeploymentPage::stopService()
{
    m_service.reset();
    m_serviceJob = 0;
    showService();
    emit statusMessage(tr("The retrieval service stopped."));
}

void DeploymentPage::showService()
{
    const qint64 shown = selectedJobId();
    const bool running = m_service != nullptr;
    const bool here = running && m_serviceJob == shown;
    m_serviceButton->setText(here ? tr("Stop") : tr("Start"));
    m_servicePort->setEnabled(!running);
    m_serviceButton->setEnabled(!running || here);
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(here ? m_servicePortInUse : m_servicePort->value());
    if (here)
        m_serviceState->setText(tr("<b>Running</b> at %1/retrieve (and %1/health).").arg(url));
    else if (running)
        m_serviceState->setText(
            tr("The service runs for another job (job %1); stop it there first.").arg(m_serviceJob));
    else
        m_serviceState->setText(tr("Stopped."));
    m_serviceSnippet->setPlainText(
        QStringLiteral("curl -X POST %1/retrieve -H 'Content-Type: application/json' \\\n"
                       "     -d '{\"query\": \"How do I reset my password?\", \"top_k\": 3}'\n\n"
                       "# PHP 8, as the user guide's RAGClient calls it:\n"
                       "$ch = curl_init(\"%1/retrieve\");\n"
                       "curl_setopt_array($ch, [CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true,\n"
                       "    CURLOPT_HTTPHEADER => [\"Content-Type: application/json\"],\n"
                       "    CURLOPT_POSTFIELDS => json_encode([\"query\" => $question, \"top_k\" => 3])]);\n"
                       "$documents = json_decode(curl_exec($ch), true)[\"documents\"];\n")
            .arg(url));
}

QWidget *DeploymentPage::createCodeTab()
{
    auto *tab = new QWidget(m_targets);
    m_snippetChoice = new QComboBox(tab);
    m_snippetChoice->setObjectName(QStringLiteral("snippetChoice"));
    m_snippetChoice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_snippetChoice->setMinimumContentsLength(16);
    m_snippet = codeView(tab, QStringLiteral("snippet"));
    auto *copy = new QPushButton(tr("Copy"), tab);
    copy->setObjectName(QStringLiteral("copySnippet"));
    connect(m_snippetChoice, &QComboBox::currentIndexChanged, this, &DeploymentPage::showSnippet);
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_snippet->toPlainText());
        emit statusMessage(tr("Copied the snippet."));
    });
    auto *top = new QHBoxLayout;
    top->addWidget(m_snippetChoice, 1);
    top->addWidget(copy);
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(top);
    layout->addWidget(m_snippet, 1);
    return tab;
}

void DeploymentPage::refresh()
{
    const qint64 keep = selectedJobId();
    const QSignalBlocker blocker(m_models);
    m_models->clear();
    for (const core::JobInfo &job : m_core.jobs().list()) {
        if (job.state != core::JobState::Completed)
            continue;
        auto *item =
            new QListWidgetItem(tr("%1\n%2, %3")
                                    .arg(job.request.name, core::trainingTypeTitle(job.request.type),
                                         QLocale().toString(job.finishedAt.toLocalTime(), QLocale::ShortFormat)),
                                m_models);
        item->setData(Qt::UserRole, job.id);
        if (job.id == keep)
            m_models->setCurrentItem(item);
    }
    if (!m_models->currentItem() && m_models->count() > 0)
        m_models->setCurrentRow(0);
    showEmptyState(m_models->count() == 0);
    // The same job still selected keeps what its tabs show (an answer, the choices made).
    if (selectedJobId() != keep || keep == 0)
        showSelected();
}

void DeploymentPage::selectJob(qint64 id)
{
    for (int row = 0; row < m_models->count(); ++row)
        if (m_models->item(row)->data(Qt::UserRole).toLongLong() == id)
            m_models->setCurrentRow(row);
}

qint64 DeploymentPage::selectedJobId() const
{
    return m_models->currentItem() ? m_models->currentItem()->data(Qt::UserRole).toLongLong() : 0;
}

QString DeploymentPage::modelfilePreview() const
{
    return m_modelfile->toPlainText();
}

std::optional<core::JobInfo> DeploymentPage::selectedJob() const
{
    const qint64 id = selectedJobId();
    if (id == 0)
        return std::nullopt;
    try {
        return m_core.jobs().require(id);
    } catch (const core::Error &) {
        return std::nullopt;
    }
}

void DeploymentPage::showSelected()
{
    if (m_draftTimer->isActive())
        saveModelfileDraft(); // the edit of the job shown until now
    const std::optional<core::JobInfo> job = selectedJob();
    m_recipe.reset();
    m_modelfileEdited = false;
    m_modelfileValid = false;
    m_modelfileJob = job ? job->id : 0;
    m_answers->clear();
    m_quality->clear();
    if (!job) {
        m_summary->clear();
        m_forms->clear();
        updateActions();
        return;
    }
    m_jobHasAdapter = job->request.type != core::TrainingType::Standard;
    if (!m_jobHasAdapter)
        m_merged->setChecked(true);
    m_summary->setText(tr("<b>%1</b> — %2 of %3 · %4")
                           .arg(job->request.name.toHtmlEscaped(), core::trainingTypeTitle(job->request.type),
                                job->request.modelName.toHtmlEscaped(),
                                QDir::toNativeSeparators(job->outputFolder()).toHtmlEscaped()));
    // A RAG job ships an index: its service and its archive; and its generator, when it fine-tuned one, as any
    // fine-tuned model.
    const bool rag = job->request.type == core::TrainingType::Rag;
    const bool model = !job->modelFolder().isEmpty();
    for (QWidget *tab : m_modelTabs)
        m_targets->setTabVisible(m_targets->indexOf(tab), model);
    m_targets->setTabVisible(m_targets->indexOf(m_serviceTab), rag);
    showService();
    if (!model) {
        m_forms->setText(tr("A FAISS index of the dataset's documents, for the user guide's clients and the "
                            "retrieval service (docs/rag.md)."));
        updateActions();
        return;
    }
    m_ollamaName->setText(core::deploymentName(*job));
    try {
        m_ollamaServer->setText(core::ollamaServer({}, m_core.settings().ollamaUrl()).toString() +
                                tr(" (Settings, or OLLAMA_HOST)"));
    } catch (const core::Error &error) {
        m_ollamaServer->setText(error.message());
    }
    core::LmStudioInstallRequest lmStudio;
    lmStudio.modelsFolder = m_core.settings().lmStudioModelsDirectory();
    lmStudio.type = m_lmStudioType->currentData().toString();
    m_lmStudioTarget->setText(QDir::toNativeSeparators(core::lmStudioFile(*job, lmStudio)));
    showForms();
    // The recipe reads the model's tokenizer: off the UI thread for a large one.
    setModelfileText(tr("Reading the model's chat template…"));
    m_modelfile->setReadOnly(true);
    m_modelfileState->clear();
    updateChoices();
    const quint64 request = ++m_recipeRequest; // only the last selection's recipe is shown
    runInBackground(
        this, [job = *job] { return core::ollamaRecipeFor(job); },
        [this, request, draft = modelfileDraft(*job)](core::OllamaRecipe recipe) {
            if (request != m_recipeRequest)
                return;
            m_recipe = std::move(recipe);
            m_modelfile->setReadOnly(false);
            QString text, unreadable;
            try {
                if (QFileInfo::exists(draft))
                    text = core::readModelfile(draft);
            } catch (const core::Error &error) { // left where it is; the generated Modelfile is shown instead
                unreadable = error.message();
            }
            if (!text.isEmpty()) {
                adoptChoicesOf(text);
                setModelfileText(text);
                m_modelfileEdited = true;
                updateChoices();
                checkModelfile();
            } else {
                updateModelfile();
                m_modelfileState->setText(unreadable);
            }
        },
        [this, request](const core::Error &error) {
            if (request == m_recipeRequest)
                setModelfileText(error.message());
        });
    m_snippetChoice->blockSignals(true);
    m_snippetChoice->clear();
    m_snippetChoice->blockSignals(false);
    showSnippet();
    updateActions();
}

void DeploymentPage::showForms()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job)
        return;
    // The sizes come from the model's shapes: read off the UI thread, for a large model.
    const QString type = m_ollamaType->currentData().toString();
    m_forms->setText(tr("Working out the files' sizes…"));
    runInBackground(
        this, [job = *job, type] { return core::deployableForms(job, type); },
        [this, id = job->id, type](const core::DeployableForms &forms) {
            if (selectedJobId() != id || m_ollamaType->currentData().toString() != type)
                return;
            const QLocale locale;
            const auto row = [](const QString &form, const QString &size, const QString &takes) {
                return QStringLiteral("<tr><td>%1</td><td align=\"right\">&nbsp;&nbsp;%2&nbsp;&nbsp;</td>"
                                      "<td>%3</td></tr>")
                    .arg(form, size, takes);
            };
            QString rows =
                row(forms.hasAdapter ? tr("Merged GGUF at %1 (the adapter in its weights)").arg(forms.type.toUpper())
                                     : tr("GGUF at %1").arg(forms.type.toUpper()),
                    locale.formattedDataSize(forms.merged), tr("Ollama, LM Studio"));
            if (forms.hasAdapter)
                rows += row(
                    tr("Base GGUF at %1 + GGUF adapter").arg(forms.type.toUpper()),
                    tr("%1 + %2").arg(locale.formattedDataSize(forms.base), locale.formattedDataSize(forms.adapter)),
                    tr("Ollama (FROM + ADAPTER), if it takes adapters"));
            rows += row(forms.hasAdapter ? tr("The PEFT adapter folder") : tr("The model folder (safetensors)"),
                        locale.formattedDataSize(forms.folder),
                        forms.hasAdapter ? tr("Download: PEFT, this app") : tr("Download: transformers, this app"));
            m_forms->setText(QStringLiteral("<table cellspacing=\"0\">%1</table>").arg(rows));
        },
        [this, id = job->id](const core::Error &error) {
            if (selectedJobId() == id)
                m_forms->setText(error.message().toHtmlEscaped());
        });
}

core::OllamaFilesRequest DeploymentPage::filesRequest(const core::JobInfo &job) const
{
    core::OllamaFilesRequest request;
    request.folder = job.directory + QStringLiteral("/ollama");
    request.type = m_ollamaType->currentData().toString();
    request.route = m_merged->isChecked() ? core::OllamaRoute::Merged : core::OllamaRoute::Adapter;
    request.system = m_system->text();
    if (request.route == core::OllamaRoute::Adapter)
        request.baseOllamaName = m_baseName->text().trimmed();
    if (m_modelfileEdited)
        request.modelfileText = m_modelfile->toPlainText();
    return request;
}

void DeploymentPage::updateModelfile()
{
    if (!m_recipe || m_modelfileEdited)
        return;
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job)
        return;
    try {
        setModelfileText(core::placeOllamaFiles(*job, *m_recipe, filesRequest(*job)).modelfileText);
    } catch (const core::Error &error) {
        setModelfileText({});
        m_modelfileValid = false;
        m_modelfileState->setText(
            QStringLiteral("<span style=\"color:#b3261e\">%1</span>").arg(error.message().toHtmlEscaped()));
        updateActions();
        return;
    }
    m_modelfileValid = true;
    m_modelfileState->setText(tr("Written from the choices above, a comment before each line saying why it is "
                                 "there. Edit it to make it yours: Deploy then uses your text."));
    updateActions();
}

void DeploymentPage::setModelfileText(const QString &text)
{
    m_settingModelfile = true;
    m_modelfile->setPlainText(text);
    m_settingModelfile = false;
}

void DeploymentPage::modelfileChanged()
{
    if (m_settingModelfile || !m_recipe)
        return;
    if (!m_modelfileEdited) {
        m_modelfileEdited = true;
        updateChoices();
    }
    m_draftTimer->start();
    checkModelfile();
}

void DeploymentPage::checkModelfile()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job || !m_recipe)
        return;
    try {
        core::placeOllamaFiles(*job, *m_recipe, filesRequest(*job));
        m_modelfileValid = true;
        m_modelfileState->setText(tr("Your Modelfile: Deploy and Copy Commands use it as it is, and it is kept until "
                                     "you reset it. The choices above wait until then."));
    } catch (const core::Error &error) {
        m_modelfileValid = false;
        m_modelfileState->setText(
            QStringLiteral("<span style=\"color:#b3261e\">%1</span>").arg(error.message().toHtmlEscaped()));
    }
    updateActions();
}

void DeploymentPage::saveModelfileDraft()
{
    m_draftTimer->stop();
    if (!m_modelfileEdited || m_modelfileJob == 0)
        return;
    QString draft;
    try {
        draft = modelfileDraft(m_core.jobs().require(m_modelfileJob));
    } catch (const core::Error &) {
        return; // the job was deleted meanwhile, and its folder with it
    }
    QDir().mkpath(QFileInfo(draft).absolutePath());
    try {
        core::writeFileDurably(draft, m_modelfile->toPlainText().toUtf8());
    } catch (const core::Error &error) {
        emit statusMessage(tr("Cannot keep your Modelfile: %1").arg(error.message()));
    }
}

void DeploymentPage::resetModelfile()
{
    m_draftTimer->stop();
    if (const std::optional<core::JobInfo> job = selectedJob())
        QFile::remove(modelfileDraft(*job));
    m_modelfileEdited = false;
    updateChoices();
    updateModelfile();
}

void DeploymentPage::adoptChoicesOf(const QString &modelfile)
{
    // A kept edit names the files it was written for: the choices that write them come back with it.
    core::ParsedModelfile parsed;
    try {
        parsed = core::parseModelfile(modelfile);
    } catch (const core::Error &) {
        return; // shown with its line once checked
    }
    const bool adapter = !parsed.adapter.isEmpty() && m_jobHasAdapter;
    (adapter ? m_adapterRoute : m_merged)->setChecked(true);
    static const QRegularExpression file(QStringLiteral("^\\./(?:model|base)-([a-z0-9_]+)\\.gguf$"));
    if (const QRegularExpressionMatch match = file.match(parsed.from); match.hasMatch()) {
        if (const int index = m_ollamaType->findData(match.captured(1)); index >= 0)
            m_ollamaType->setCurrentIndex(index);
        m_baseName->clear();
    } else if (adapter) {
        m_baseName->setText(parsed.from); // the base as Ollama has it
    }
}

void DeploymentPage::updateChoices()
{
    // While the person's Modelfile is in force, the choices it would contradict wait.
    const bool free = !m_modelfileEdited;
    m_ollamaType->setEnabled(free);
    m_merged->setEnabled(free);
    m_adapterRoute->setEnabled(free && m_jobHasAdapter);
    m_system->setEnabled(free);
    m_baseName->setEnabled(free && m_adapterRoute->isChecked());
    m_resetModelfile->setVisible(m_modelfileEdited);
}

void DeploymentPage::showSnippet()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job) {
        m_snippet->clear();
        return;
    }
    core::SnippetTarget target;
    try {
        target.ollama = core::ollamaServer({}, m_core.settings().ollamaUrl());
    } catch (const core::Error &) {
        target.ollama = QUrl(core::AppSettings::defaultOllamaUrl());
    }
    target.ollamaModel = m_ollamaName->text();
    target.lmStudioModel = core::deploymentName(*job);
    const QVector<core::CodeSnippet> snippets = core::codeSnippets(target);
    if (m_snippetChoice->count() != snippets.size()) {
        const QSignalBlocker blocker(m_snippetChoice);
        m_snippetChoice->clear();
        for (const core::CodeSnippet &snippet : snippets)
            m_snippetChoice->addItem(snippet.title);
    }
    m_snippet->setPlainText(snippets.value(m_snippetChoice->currentIndex()).code);
}

void DeploymentPage::updateActions()
{
    const bool ready = selectedJobId() != 0 && !m_task.isRunning();
    for (QPushButton *button : {m_deploy, m_install, m_download, m_check})
        button->setEnabled(ready);
    m_deploy->setEnabled(ready && m_modelfileValid);
    m_copyCommands->setEnabled(ready && m_recipe.has_value() && m_modelfileValid);
}

void DeploymentPage::deployToOllama()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job || m_task.isRunning())
        return;
    core::OllamaDeployRequest request;
    try {
        request.server = core::ollamaServer({}, m_core.settings().ollamaUrl());
    } catch (const core::Error &error) {
        MessageBox::warning(this, tr("Cannot Deploy"), error.message());
        return;
    }
    request.name = m_ollamaName->text().trimmed();
    request.files = filesRequest(*job);
    const bool adapterRoute = request.files.route == core::OllamaRoute::Adapter;
    m_task.run(
        tr("Deploy to Ollama"), tr("Deploying %1…").arg(job->request.name), QStringLiteral("deploymentProgress"),
        [job = *job, request](const core::Progress &progress, const std::function<void(const QString &)> &onStep) {
            return core::deployToOllama(job, request, progress, onStep);
        },
        [this](core::OllamaDeployResult result) {
            const bool same = result.ollamaAnswer.trimmed() == result.engineAnswer.trimmed();
            m_answers->setText(
                tr("<b>Created %1</b> in Ollama %2. Asked the same question, greedy:<br>"
                   "<b>Ollama:</b> %3<br><b>This app:</b> %4<br>%5")
                    .arg(result.model.toHtmlEscaped(), result.serverVersion.toHtmlEscaped(),
                         result.ollamaAnswer.trimmed().toHtmlEscaped(), result.engineAnswer.trimmed().toHtmlEscaped(),
                         same ? tr("The answers are the same.")
                              : tr("The answers differ: the quantised weights or Ollama's arithmetic can "
                                   "change a greedy choice; a type with more bits keeps them closer.")));
            emit statusMessage(tr("Created %1 in Ollama: ollama run %1").arg(result.model));
        },
        [this, adapterRoute](const core::Error &error) {
            // A server that refuses base + adapter models: the merged route, in one click — unless the person's
            // own Modelfile names the two files.
            if (adapterRoute && m_modelfileEdited && error.kind() == core::Error::Kind::InvalidInput) {
                MessageBox::warning(this, tr("Cannot Deploy"),
                                    error.message() + tr("\n\nTo deploy the merged model, reset the Modelfile and "
                                                         "choose Merged."));
                return;
            }
            if (adapterRoute && error.kind() == core::Error::Kind::InvalidInput &&
                MessageBox::ask(this, QMessageBox::Warning, tr("Cannot Deploy"),
                                error.message() + tr("\n\nDeploy the merged model now?"),
                                QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes,
                                {{QMessageBox::Yes, tr("Deploy Merged")}}) == QMessageBox::Yes) {
                m_merged->setChecked(true);
                deployToOllama();
                return;
            }
            if (!adapterRoute || error.kind() != core::Error::Kind::InvalidInput)
                MessageBox::warning(this, tr("Cannot Deploy"), error.message());
        });
}

void DeploymentPage::checkQuality()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job || m_task.isRunning())
        return;
    const QString type = m_ollamaType->currentData().toString();
    const QString gguf = job->directory + QStringLiteral("/ollama/model-%1.gguf").arg(type);
    m_task.run(
        tr("Check Quality"), tr("Scoring the held-out records…"), QStringLiteral("deploymentProgress"),
        [&core = m_core, job = *job, type, gguf](const core::Progress &progress,
                                                 const std::function<void(const QString &)> &) {
            return core::checkQuality(core, job, type, gguf, progress);
        },
        [this](core::QualityCheck check) {
            m_quality->setText(tr("<b>Held-out loss</b> on %1 records the job did not train on — base model %2 · "
                                  "fine-tuned %3 (%4) · GGUF at %5 %6 (%7 from the fine-tuned model)")
                                   .arg(check.examples)
                                   .arg(QString::number(check.base, 'f', 4), QString::number(check.fineTuned, 'f', 4),
                                        core::relativeChange(check.fineTuned, check.base), check.type.toUpper(),
                                        QString::number(check.gguf, 'f', 4),
                                        core::relativeChange(check.gguf, check.fineTuned)));
        },
        [this](const core::Error &error) { MessageBox::warning(this, tr("Cannot Check"), error.message()); });
}

void DeploymentPage::installIntoLmStudio(bool replace)
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job || m_task.isRunning())
        return;
    core::LmStudioInstallRequest request;
    request.modelsFolder = m_core.settings().lmStudioModelsDirectory();
    request.type = m_lmStudioType->currentData().toString();
    request.replace = replace;
    const QString target = core::lmStudioFile(*job, request);
    if (!replace && QFileInfo::exists(target)) {
        if (MessageBox::ask(
                this, QMessageBox::Question, tr("Replace the Model?"),
                tr("LM Studio already has %1. Replace it with this job's model?").arg(QDir::toNativeSeparators(target)),
                QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                {{QMessageBox::Yes, tr("Replace")}}) != QMessageBox::Yes)
            return;
        request.replace = true;
    }
    m_task.run(
        tr("Install into LM Studio"), tr("Writing %1…").arg(QFileInfo(target).fileName()),
        QStringLiteral("deploymentProgress"),
        [job = *job, request](const core::Progress &progress, const std::function<void(const QString &)> &) {
            return core::installIntoLmStudio(job, request, progress);
        },
        [this](QString file) {
            emit statusMessage(
                tr("Installed %1: LM Studio lists it under My Models.").arg(QDir::toNativeSeparators(file)));
        },
        [this](const core::Error &error) { MessageBox::warning(this, tr("Cannot Install"), error.message()); });
}

void DeploymentPage::download()
{
    if (const std::optional<core::JobInfo> job = selectedJob())
        downloadJobArchive(this, m_task, *job);
}

void DeploymentPage::importArchive()
{
    if (m_task.isRunning())
        return;
    const QString archive =
        FileDialog::openFile(this, tr("Import Model Archive"), tr("Model archives (*.tar.gz *.tgz *.tar)"));
    if (archive.isEmpty())
        return;
    const QString target = core::importFolderFor(m_core.dataDirectory().modelsDirectory(), archive);
    if (QFileInfo::exists(target)) {
        MessageBox::warning(this, tr("Cannot Import"),
                            tr("%1 was opened before, into %2. Delete that folder to open it again.")
                                .arg(QFileInfo(archive).fileName(), QDir::toNativeSeparators(target)));
        return;
    }
    m_task.run(
        tr("Import Model Archive"), tr("Opening %1…").arg(QFileInfo(archive).fileName()),
        QStringLiteral("deploymentProgress"),
        [archive, target](const core::Progress &progress, const auto &) {
            return core::importModelArchive(archive, target, progress);
        },
        [this](QString model) {
            const QString folder = QDir::toNativeSeparators(model);
            const QString opened = tr("Opened into %1. It is a model folder: choose it as the base model of a new "
                                      "training job (Choose a model folder…), or run it with mtm generate --model "
                                      "%1.")
                                       .arg(folder);
            emit statusMessage(tr("Opened the archive into %1.").arg(folder));
            if (isShowingEmptyState()) // no job of this computer to show it beside
                MessageBox::information(this, tr("Archive Opened"), opened);
            else
                m_imported->setText(opened);
        },
        [this](const core::Error &error) { MessageBox::warning(this, tr("Cannot Import"), error.message()); });
}

void DeploymentPage::copyCommands()
{
    const std::optional<core::JobInfo> job = selectedJob();
    if (!job)
        return;
    const QString folder = QDir::toNativeSeparators(job->directory + QStringLiteral("/ollama"));
    QString commands = tr("# Write the GGUF files and this Modelfile, then create the model:\n");
    const auto quoted = [](QString text) {
        return QLatin1Char('\'') + text.replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
    };
    commands +=
        QStringLiteral("mtm deploy modelfile --job %1 --type %2%3%4\n")
            .arg(job->id)
            .arg(m_ollamaType->currentData().toString(),
                 m_merged->isChecked() ? QString()
                 : m_baseName->text().trimmed().isEmpty()
                     ? QStringLiteral(" --adapter-route")
                     : QStringLiteral(" --adapter-route --base ") + quoted(m_baseName->text().trimmed()),
                 m_system->text().isEmpty() ? QString() : QStringLiteral(" --system ") + quoted(m_system->text()));
    if (m_modelfileEdited) { // the files, then the person's Modelfile over the one written with them
        const QString text = m_modelfile->toPlainText();
        QString end = QStringLiteral("MODELFILE");
        while (text.split(QLatin1Char('\n')).contains(end))
            end += QLatin1Char('_');
        commands +=
            QStringLiteral("cat > %1 <<'%2'\n%3\n%2\n").arg(quoted(folder + QStringLiteral("/Modelfile")), end, text);
    }
    commands += QStringLiteral("ollama create %1 -f %2\n")
                    .arg(quoted(m_ollamaName->text()), quoted(folder + QStringLiteral("/Modelfile")));
    commands += QStringLiteral("ollama run %1\n").arg(quoted(m_ollamaName->text()));
    if (!m_modelfileEdited)
        commands += QLatin1Char('\n') + m_modelfile->toPlainText();
    QApplication::clipboard()->setText(commands);
    emit statusMessage(tr("Copied the commands and the Modelfile."));
}

} // namespace mtm::ui
