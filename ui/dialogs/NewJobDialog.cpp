#include "dialogs/NewJobDialog.h"

#include "AppCore.h"
#include "BackgroundTask.h"
#include "TimeLeft.h"
#include "data/DatasetCatalog.h"
#include "dialogs/FileDialog.h"
#include "dialogs/InputDialog.h"
#include "jobs/JobQueue.h"
#include "model/ModelFolder.h"
#include "settings/AppSettings.h"
#include "system/CpuThreads.h"
#include "system/SystemInfo.h"
#include "widgets/ModelChoice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include <cmath>

namespace mtm::ui {
namespace {

const QString kStarter = QStringLiteral("starter");

QString methodNote(core::TrainingType type)
{
    switch (type) {
    case core::TrainingType::Qlora:
        return QObject::tr("LoRA adapters on a base model kept in 4 bits (NF4), on the fast path: the least memory.");
    case core::TrainingType::Unsloth:
        return QObject::tr("The app's fast LoRA path (Unsloth's techniques): about twice as fast, little memory.");
    case core::TrainingType::Lora:
        return QObject::tr("LoRA adapters on a 16-bit base, with dropout: the reference path.");
    case core::TrainingType::Standard:
        return QObject::tr("Every weight is trained: the most memory; writes a whole model.");
    case core::TrainingType::Rag:
        break;
    }
    return QObject::tr("A searchable index of the documents, asked on the job's Ask tab and served to other programs; "
                       "optionally with a generator (LoRA) fine-tuned on the same records.");
}

QSpinBox *spinBox(int minimum, int maximum, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setGroupSeparatorShown(true);
    return box;
}

QDoubleSpinBox *doubleBox(double minimum, double maximum, int decimals, double step, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    return box;
}

} // namespace

NewJobDialog::NewJobDialog(core::AppCore &core, QWidget *parent)
    : QDialog(parent)
    , m_core(core)
{
    setObjectName(QStringLiteral("newJobDialog"));
    setWindowTitle(tr("New Training Job"));
    m_failure = new QLabel(this);
    m_failure->setObjectName(QStringLiteral("newJobFailure"));
    m_failure->setWordWrap(true);
    m_failure->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_failure->hide();

    auto *columns = new QHBoxLayout;
    auto *left = new QVBoxLayout;
    left->addWidget(createWhatGroup());
    left->addWidget(createRagGroup());
    left->addWidget(createTrainingGroup());
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(createLoraGroup());
    right->addWidget(createCheckpointGroup());
    right->addWidget(createPlanGroup());
    right->addStretch();
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_start = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName(QStringLiteral("startJobButton"));
    m_start->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &NewJobDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewJobDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_failure);
    layout->addWidget(buttons);

    applyDefaults(core::TrainingType::Qlora);
    modelChanged();
    methodChanged();
}

QWidget *NewJobDialog::createWhatGroup()
{
    auto *group = new QGroupBox(tr("What to train"), this);
    auto *form = new QFormLayout(group);
    m_name = new QLineEdit(group);
    m_name->setObjectName(QStringLiteral("jobName"));
    m_name->setPlaceholderText(tr("Named after the method and the dataset"));
    m_description = new QLineEdit(group);
    m_description->setObjectName(QStringLiteral("jobDescription"));
    m_method = new QComboBox(group);
    m_method->setObjectName(QStringLiteral("jobMethod"));
    for (const core::TrainingType type : core::allTrainingTypes())
        m_method->addItem(core::trainingTypeTitle(type), int(type));
    m_methodNote = new QLabel(group);
    m_methodNote->setWordWrap(true);
    m_methodNote->setForegroundRole(QPalette::PlaceholderText);
    m_model = new QComboBox(group);
    m_model->setObjectName(QStringLiteral("jobBaseModel"));
    m_model->addItem(tr("Built-in starter model"), kStarter);
    m_model->addItem(tr("Choose a model folder…"), QString());
    m_modelNote = new QLabel(group);
    m_modelNote->setObjectName(QStringLiteral("jobBaseModelNote"));
    m_modelNote->setWordWrap(true);
    m_dataset = new QComboBox(group);
    m_dataset->setObjectName(QStringLiteral("jobDataset"));
    for (const core::DatasetInfo &dataset : m_core.datasets().list())
        m_dataset->addItem(tr("%1 (%2 records)").arg(dataset.name, QLocale().toString(dataset.recordCount)),
                           dataset.id);

    addField(form, tr("Name:"), m_name, QStringLiteral("name"));
    addField(form, tr("Description:"), m_description, QStringLiteral("description"));
    addField(form, tr("Method:"), m_method, QStringLiteral("training_type"));
    form->addRow(QString(), m_methodNote);
    addField(form, tr("Base model:"), m_model, QStringLiteral("model_name"));
    form->addRow(QString(), m_modelNote);
    addField(form, tr("Dataset:"), m_dataset, QStringLiteral("dataset"));

    connect(m_method, &QComboBox::activated, this, &NewJobDialog::methodChanged);
    connect(m_model, &QComboBox::activated, this, [this](int index) {
        if (m_model->itemData(index).toString().isEmpty()) { // "Choose a model folder…"
            const QString folder = FileDialog::openFolder(this, tr("Choose a Hugging Face Model Folder"));
            if (folder.isEmpty())
                m_model->setCurrentIndex(0);
            else
                chooseModelFolder(folder);
        }
        modelChanged();
    });
    connect(m_name, &QLineEdit::textChanged, this, &NewJobDialog::validate);
    connect(m_dataset, &QComboBox::currentIndexChanged, this, &NewJobDialog::validate);
    return group;
}

QWidget *NewJobDialog::createRagGroup()
{
    m_ragGroup = new QGroupBox(tr("Index"), this);
    m_ragGroup->setObjectName(QStringLiteral("ragGroup"));
    auto *form = new QFormLayout(m_ragGroup);
    m_embedder = new QComboBox(m_ragGroup);
    m_embedder->setObjectName(QStringLiteral("ragEmbedder"));
    m_embedder->addItem(tr("Built-in: made from the documents, no download"), QString());
    m_embedder->addItem(tr("A model in Ollama…"), QStringLiteral("choose-ollama"));
    m_embedder->addItem(tr("Choose a sentence-transformers folder…"), QStringLiteral("choose"));
    m_embedder->setToolTip(tr("The built-in embedder is a static embedding (one vector per word piece, averaged) "
                              "made from the app's text and your documents: it finds passages that share words "
                              "with the question. A sentence-transformers model (MiniLM, bge, e5) or an Ollama "
                              "embedding model also finds passages that say the same in other words."));
    m_chunkUnit = new QComboBox(m_ragGroup);
    m_chunkUnit->setObjectName(QStringLiteral("ragChunkUnit"));
    m_chunkUnit->addItem(tr("Tokens"), QStringLiteral("tokens"));
    m_chunkUnit->addItem(tr("Characters"), QStringLiteral("characters"));
    m_chunkSize = spinBox(8, 100000, m_ragGroup);
    m_chunkSize->setObjectName(QStringLiteral("ragChunkSize"));
    m_chunkOverlap = spinBox(0, 99999, m_ragGroup);
    m_chunkOverlap->setObjectName(QStringLiteral("ragChunkOverlap"));
    m_hnswFrom = spinBox(1, 2000000000, m_ragGroup);
    m_hnswFrom->setObjectName(QStringLiteral("ragHnswFrom"));
    m_hnswFrom->setSuffix(tr(" chunks"));
    m_hnswFrom->setToolTip(tr("Up to this many chunks the index searches exactly (IndexFlatIP); from it on, it "
                              "searches a graph (HNSW): much faster on large collections, nearly as exact."));
    m_hybrid = new QCheckBox(tr("Also search by keywords (BM25), fused with the vectors"), m_ragGroup);
    m_hybrid->setObjectName(QStringLiteral("ragHybrid"));
    m_generator = new QCheckBox(tr("Also fine-tune a generator (LoRA) of the base model on the records"), m_ragGroup);
    m_generator->setObjectName(QStringLiteral("ragGenerator"));
    auto *chunks = new QWidget(m_ragGroup);
    auto *chunksLayout = new QHBoxLayout(chunks);
    chunksLayout->setContentsMargins(0, 0, 0, 0);
    chunksLayout->addWidget(m_chunkSize, 1);
    chunksLayout->addWidget(m_chunkUnit, 1);
    addField(form, tr("Embedding model:"), m_embedder, QStringLiteral("embedding_model"));
    addField(form, tr("Chunks of:"), chunks, QStringLiteral("chunk_size"));
    addField(form, tr("Overlap:"), m_chunkOverlap, QStringLiteral("chunk_overlap"));
    addField(form, tr("Graph index from:"), m_hnswFrom, QStringLiteral("hnsw_from"));
    form->addRow(QString(), m_hybrid);
    form->addRow(QString(), m_generator);

    const core::RagSettings defaults;
    m_chunkSize->setValue(int(defaults.chunkSize));
    m_chunkOverlap->setValue(int(defaults.chunkOverlap));
    m_hnswFrom->setValue(int(defaults.hnswFrom));
    m_hybrid->setChecked(defaults.hybrid);
    connect(m_embedder, &QComboBox::activated, this, [this](int index) {
        const QString choice = m_embedder->itemData(index).toString();
        if (choice == QLatin1String("choose")) {
            chooseEmbedder(FileDialog::openFolder(this, tr("Choose a Sentence-Transformers Model Folder")));
        } else if (choice == QLatin1String("choose-ollama")) {
            const std::optional<QString> name = InputDialog::text(
                this, tr("Embed with a Model in Ollama"),
                tr("The Ollama embedding model (pulled with \"ollama pull\"), for example nomic-embed-text:"),
                QStringLiteral("nomic-embed-text"));
            chooseEmbedder(name && !name->trimmed().isEmpty() ? QStringLiteral("ollama:") + name->trimmed()
                                                              : QString());
        }
        validate();
    });
    for (QSpinBox *box : {m_chunkSize, m_chunkOverlap, m_hnswFrom})
        connect(box, &QSpinBox::valueChanged, this, &NewJobDialog::validate);
    connect(m_chunkUnit, &QComboBox::currentIndexChanged, this, &NewJobDialog::validate);
    connect(m_generator, &QCheckBox::toggled, this, &NewJobDialog::methodChanged);
    return m_ragGroup;
}

void NewJobDialog::chooseEmbedder(const QString &embedder)
{
    selectModel(m_embedder, embedder, 2); // before the two ways to choose one
}

QWidget *NewJobDialog::createTrainingGroup()
{
    auto *group = new QGroupBox(tr("Training"), this);
    group->setObjectName(QStringLiteral("trainingGroup"));
    auto *form = new QFormLayout(group);
    m_epochs = spinBox(1, 1000, group);
    m_batchSize = spinBox(1, 4096, group);
    m_learningRate = new QLineEdit(group);
    m_learningRate->setObjectName(QStringLiteral("jobLearningRate"));
    m_maxLength = spinBox(8, 1 << 20, group);
    m_maxLength->setSuffix(tr(" tokens"));
    m_accumulation = spinBox(1, 1024, group);
    m_warmup = doubleBox(0, 0.99, 2, 0.01, group);
    m_schedule = new QComboBox(group);
    m_schedule->addItem(tr("Linear decay"), QStringLiteral("linear"));
    m_schedule->addItem(tr("Cosine"), QStringLiteral("cosine"));
    m_schedule->addItem(tr("Constant"), QStringLiteral("constant"));
    m_heldOut = doubleBox(0, 50, 1, 1, group);
    m_heldOut->setSuffix(QStringLiteral(" %"));
    m_seed = spinBox(0, 2147483647, group);
    addField(form, tr("Epochs:"), m_epochs, QStringLiteral("epochs"));
    addField(form, tr("Batch size:"), m_batchSize, QStringLiteral("batch_size"));
    addField(form, tr("Learning rate:"), m_learningRate, QStringLiteral("learning_rate"));
    addField(form, tr("Longest sequence:"), m_maxLength, QStringLiteral("max_seq_length"));
    addField(form, tr("Gradient accumulation:"), m_accumulation, QStringLiteral("gradient_accumulation_steps"));
    m_checkpointing = new QComboBox(group);
    m_checkpointing->setObjectName(QStringLiteral("jobGradientCheckpointing"));
    m_checkpointing->addItem(tr("Automatic"), QVariant());
    m_checkpointing->addItem(tr("On: less memory, slower"), true);
    m_checkpointing->addItem(tr("Off"), false);
    m_checkpointing->setToolTip(tr("Gradient checkpointing keeps only each layer's input for the backward pass and "
                                   "computes the rest again: about a quarter slower, with much less memory. "
                                   "Automatic: on for Fast LoRA on a GPU, off otherwise."));
    connect(m_checkpointing, &QComboBox::currentIndexChanged, this, &NewJobDialog::validate);
    addField(form, tr("Gradient checkpointing:"), m_checkpointing, QStringLiteral("gradient_checkpointing"));
    addField(form, tr("Warm-up share:"), m_warmup, QStringLiteral("warmup_ratio"));
    addField(form, tr("Schedule:"), m_schedule, QStringLiteral("lr_scheduler_type"));
    addField(form, tr("Held out for evaluation:"), m_heldOut, QStringLiteral("eval_split"));
    addField(form, tr("Seed:"), m_seed, QStringLiteral("seed"));
    m_epochs->setObjectName(QStringLiteral("jobEpochs"));
    m_batchSize->setObjectName(QStringLiteral("jobBatchSize"));
    for (QSpinBox *box : {m_epochs, m_batchSize, m_maxLength, m_accumulation, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &NewJobDialog::validate);
    for (QDoubleSpinBox *box : {m_warmup, m_heldOut})
        connect(box, &QDoubleSpinBox::valueChanged, this, &NewJobDialog::validate);
    connect(m_learningRate, &QLineEdit::textChanged, this, &NewJobDialog::validate);
    return group;
}

QWidget *NewJobDialog::createLoraGroup()
{
    auto *group = new QGroupBox(tr("LoRA adapters"), this);
    group->setObjectName(QStringLiteral("loraGroup"));
    auto *form = new QFormLayout(group);
    m_rank = spinBox(1, 4096, group);
    m_alpha = doubleBox(0.01, 100000, 1, 1, group);
    m_dropout = doubleBox(0, 0.99, 2, 0.01, group);
    m_targets = new QLineEdit(group);
    m_targets->setToolTip(tr("The projections that get adapters, separated by commas."));
    addField(form, tr("Rank (r):"), m_rank, QStringLiteral("lora_r"));
    addField(form, tr("Alpha:"), m_alpha, QStringLiteral("lora_alpha"));
    addField(form, tr("Dropout:"), m_dropout, QStringLiteral("lora_dropout"));
    addField(form, tr("Target modules:"), m_targets, QStringLiteral("target_modules"));
    connect(m_rank, &QSpinBox::valueChanged, this, &NewJobDialog::validate);
    for (QDoubleSpinBox *box : {m_alpha, m_dropout})
        connect(box, &QDoubleSpinBox::valueChanged, this, &NewJobDialog::validate);
    connect(m_targets, &QLineEdit::textChanged, this, &NewJobDialog::validate);
    return group;
}

QWidget *NewJobDialog::createCheckpointGroup()
{
    auto *group = new QGroupBox(tr("Checkpoints and device"), this);
    auto *form = new QFormLayout(group);
    m_saveSteps = spinBox(0, 1000000, group);
    m_saveSteps->setSpecialValueText(tr("By time"));
    m_saveMinutes = doubleBox(0, 1440, 1, 1, group);
    m_saveMinutes->setSuffix(tr(" min"));
    m_saveMinutes->setSpecialValueText(tr("Only at the end"));
    m_device = new QComboBox(group);
    m_device->addItem(tr("Automatic (a GPU when there is one)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    const QStringList gpus = core::SystemInfo::collect().cudaDevices; // "0: name, memory, compute", in order
    for (int index = 0; index < gpus.size(); ++index)
        m_device->addItem(tr("GPU %1").arg(gpus[index]), QStringLiteral("cuda:%1").arg(index));
    addField(form, tr("Checkpoint every:"), m_saveSteps, QStringLiteral("save_steps"));
    addField(form, tr("Or every:"), m_saveMinutes, QStringLiteral("save_minutes"));
    addField(form, tr("Device:"), m_device, QStringLiteral("device"));
    // Not a setting of the job: the app's, as in Settings, for every job.
    m_cpuThreads = spinBox(0, 1024, group);
    m_cpuThreads->setObjectName(QStringLiteral("jobCpuThreads"));
    m_cpuThreads->setSpecialValueText(tr("All cores"));
    m_cpuThreads->setValue(m_core.settings().cpuThreads());
    m_cpuThreads->setToolTip(tr("The threads every job computes with on the CPU (also in Settings)."));
    form->addRow(tr("CPU threads:"), m_cpuThreads);
    m_saveSteps->setSuffix(tr(" steps"));
    connect(m_saveSteps, &QSpinBox::valueChanged, this, &NewJobDialog::validate);
    connect(m_saveMinutes, &QDoubleSpinBox::valueChanged, this, &NewJobDialog::validate);
    return group;
}

QWidget *NewJobDialog::createPlanGroup()
{
    auto *group = new QGroupBox(tr("Before you start"), this);
    m_plan = new QLabel(group);
    m_plan->setObjectName(QStringLiteral("jobPlan"));
    m_plan->setWordWrap(true);
    m_plan->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_memoryWarning = new QLabel(group);
    m_memoryWarning->setObjectName(QStringLiteral("jobMemoryWarning"));
    m_memoryWarning->setWordWrap(true);
    m_memoryWarning->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_memoryWarning->hide();
    auto *layout = new QVBoxLayout(group);
    layout->addWidget(m_plan);
    layout->addWidget(m_memoryWarning);
    m_planTimer = new QTimer(this);
    m_planTimer->setSingleShot(true);
    m_planTimer->setInterval(400);
    connect(m_planTimer, &QTimer::timeout, this, &NewJobDialog::plan);
    return group;
}

void NewJobDialog::planLater()
{
    ++m_planned; // a plan already under way is now out of date
    m_memoryWarning->hide();
    m_plan->setText(tr("Reading the dataset with the model's tokenizer…"));
    m_planTimer->start();
}

void NewJobDialog::plan()
{
    const QJsonObject json = fields();
    if (!core::TrainingRequest::problemsOf(json).isEmpty()) {
        m_plan->setText(tr("The plan shows once every field is fine."));
        m_memoryWarning->hide();
        return;
    }
    if (method() == core::TrainingType::Rag && !m_generator->isChecked()) {
        m_plan->setText(tr("The documents are cut into chunks and indexed; nothing is trained. The job's bar shows "
                           "the time left as it goes."));
        m_memoryWarning->hide();
        return;
    }
    const int planned = ++m_planned;
    runInBackground(
        this,
        [&core = m_core, request = core::TrainingRequest::fromJson(json, tr("the new job"))] {
            return request.plan(core);
        },
        [this, planned, maxLength = m_maxLength->value()](const engine::TrainingPlan &p) {
            if (planned != m_planned)
                return;
            const QLocale locale;
            QString text =
                tr("%1 records: %2 to train on, %3 held out.")
                    .arg(locale.toString(p.records), locale.toString(p.trainExamples), locale.toString(p.evalExamples));
            text += QLatin1Char('\n') + tr("%1 tokens an epoch; the longest example has %2.")
                                            .arg(locale.toString(p.trainTokens), locale.toString(p.longestExample));
            if (p.truncated > 0)
                text += QLatin1Char('\n') + tr("%1 records are longer than %2 tokens and will be cut.")
                                                .arg(locale.toString(p.truncated), locale.toString(maxLength));
            if (p.withoutTargets > 0)
                text += QLatin1Char('\n') + tr("%1 records have nothing left to learn after the cut and are left out.")
                                                .arg(locale.toString(p.withoutTargets));
            text += QLatin1Char('\n') +
                    tr("%1 steps (%2 an epoch).").arg(locale.toString(p.steps), locale.toString(p.stepsPerEpoch));
            m_plan->setText(text + QLatin1Char('\n') + timeText(p) + QLatin1Char('\n') + memoryText(p));
            m_memoryWarning->setText(p.fits() ? QString() : memoryWarning(p));
            m_memoryWarning->setVisible(!p.fits());
        },
        [this, planned](const core::Error &error) {
            if (planned == m_planned)
                m_plan->setText(error.message());
        });
}

// The time the plan estimates, at the threads chosen here (the estimate was measured at those in effect now).
QString NewJobDialog::timeText(const engine::TrainingPlan &plan) const
{
    if (plan.onCuda)
        return tr("Time: known after the first steps on the GPU.");
    const int chosen = m_cpuThreads->value() > 0 ? m_cpuThreads->value() : QThread::idealThreadCount();
    const double seconds = plan.seconds * double(plan.cpuThreads) / double(std::max(1, chosen));
    // Rounded as far as an estimate deserves: to 10 s under 10 minutes, to the minute under an hour, then to 5.
    const qint64 step = seconds < 600 ? 10 : seconds < 3600 ? 60 : 300;
    const qint64 rounded = std::max<qint64>(step, qint64(std::llround(seconds / double(step))) * step);
    return tr("Time: about %1 on %n CPU thread(s), estimated from this computer's speed.", nullptr, chosen)
        .arg(durationText(rounded));
}

// Peak memory against what is free where the job will run, with what to change when it does not fit.
QString NewJobDialog::memoryText(const engine::TrainingPlan &plan) const
{
    const QLocale locale;
    const QString text =
        tr("Memory: about %1 %2 at its peak, of %3 free")
            .arg(locale.formattedDataSize(qint64(plan.memory.peak()), 1), plan.onCuda ? tr("on the GPU") : tr("in RAM"),
                 locale.formattedDataSize(qint64(plan.memoryAvailable), 1));
    if (plan.fits() && double(plan.memory.peak()) > 0.8 * double(plan.memoryAvailable))
        return text + tr(": tight; close other programs before you start.");
    return text + QLatin1Char('.');
}

// What to change when the job will not fit, from what takes the memory.
QString NewJobDialog::memoryWarning(const engine::TrainingPlan &plan) const
{
    const QString available = QLocale().formattedDataSize(qint64(plan.memoryAvailable), 1);
    if (plan.memory.loading >= plan.memory.training())
        return tr("This job will not fit: loading the base model takes about %1 in %2 (QLoRA too makes its 4-bit "
                  "copy from that), and %3 is free. Choose a smaller model.")
            .arg(QLocale().formattedDataSize(qint64(plan.memory.loading), 1), QString::fromStdString(plan.dtype),
                 available);
    QStringList changes{tr("lower the batch size or the longest sequence")};
    if (m_checkpointing->currentData() != QVariant(true))
        changes << tr("turn gradient checkpointing on");
    if (method() != core::TrainingType::Qlora)
        changes << tr("choose QLoRA");
    return tr("This job will not fit: it needs about %1 at its peak, and %2 is free. To make it smaller: %3.")
        .arg(QLocale().formattedDataSize(qint64(plan.memory.peak()), 1), available,
             QLocale().createSeparatedList(changes));
}

QString NewJobDialog::planText() const
{
    if (m_planTimer->isActive())
        return QString();
    return m_memoryWarning->isHidden() ? m_plan->text() : m_plan->text() + QLatin1Char('\n') + m_memoryWarning->text();
}

void NewJobDialog::addField(QFormLayout *form, const QString &label, QWidget *field, const QString &name)
{
    auto *problem = new QLabel(field->parentWidget());
    problem->setObjectName(QStringLiteral("problem_") + name);
    problem->setWordWrap(true);
    problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    problem->hide();
    auto *cell = new QWidget(field->parentWidget());
    auto *cellLayout = new QVBoxLayout(cell);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellLayout->setSpacing(2);
    cellLayout->addWidget(field);
    cellLayout->addWidget(problem);
    form->addRow(label, cell);
    m_problems.insert(name, problem);
}

core::TrainingType NewJobDialog::method() const
{
    return core::TrainingType(m_method->currentData().toInt());
}

void NewJobDialog::applyDefaults(core::TrainingType type)
{
    const core::TrainingRequest defaults = core::TrainingRequest::defaults(type);
    m_method->setCurrentIndex(m_method->findData(int(type)));
    showSettings(defaults.settings);
    m_methodNote->setText(methodNote(type));
}

void NewJobDialog::showSettings(const engine::TrainingConfig &s)
{
    m_epochs->setValue(int(s.epochs));
    m_batchSize->setValue(int(s.batchSize));
    m_learningRate->setText(QString::number(s.learningRate));
    m_maxLength->setValue(int(s.maxSequenceLength));
    m_accumulation->setValue(int(s.gradientAccumulation));
    m_warmup->setValue(s.warmupRatio);
    m_schedule->setCurrentIndex(int(s.schedule));
    m_heldOut->setValue(s.evalFraction * 100);
    m_seed->setValue(int(s.seed));
    m_rank->setValue(int(s.lora.rank));
    m_alpha->setValue(s.lora.alpha);
    m_dropout->setValue(s.lora.dropout);
    QStringList targets;
    for (const std::string &target : s.lora.targets)
        targets << QString::fromStdString(target);
    m_targets->setText(targets.join(QStringLiteral(", ")));
    m_saveSteps->setValue(int(s.checkpointEvery));
    m_saveMinutes->setValue(s.checkpointMinutes);
    // A job from before GPUs were numbered says "cuda": the first GPU.
    const QString device =
        s.cudaIndex() >= 0 ? QStringLiteral("cuda:%1").arg(s.cudaIndex()) : QString::fromStdString(s.device);
    m_device->setCurrentIndex(std::max(0, m_device->findData(device)));
    m_checkpointing->setCurrentIndex(!s.gradientCheckpointing ? 0 : *s.gradientCheckpointing ? 1 : 2);
}

void NewJobDialog::methodChanged()
{
    const core::TrainingType type = method();
    m_methodNote->setText(methodNote(type));
    const bool rag = type == core::TrainingType::Rag;
    const bool trains = !rag || m_generator->isChecked();
    m_ragGroup->setVisible(rag);
    findChild<QGroupBox *>(QStringLiteral("trainingGroup"))->setEnabled(trains);
    findChild<QGroupBox *>(QStringLiteral("loraGroup"))->setEnabled(trains && type != core::TrainingType::Standard);
    // The fast path trains without dropout; the other LoRA methods with the guide's default.
    m_dropout->setValue(core::TrainingRequest::defaults(type).settings.lora.dropout);
    m_dropout->setEnabled(type != core::TrainingType::Unsloth && type != core::TrainingType::Qlora);
    validate();
}

void NewJobDialog::chooseModelFolder(const QString &folder)
{
    selectModel(m_model, folder, 1); // before "Choose a model folder…"
    modelChanged();
}

void NewJobDialog::modelChanged()
{
    const QString model = m_model->currentData().toString();
    const int check = ++m_modelCheck;
    m_modelNote->setText(tr("Checking the model…"));
    m_modelNote->setStyleSheet(QString());
    const bool starter = model == kStarter;
    runInBackground(
        this,
        [&core = m_core, model, starter] {
            return core::inspectModelFolder(starter ? core.starterModel() : model).describe();
        },
        [this, check](const QString &summary) {
            if (check == m_modelCheck)
                m_modelNote->setText(summary);
        },
        [this, check](const core::Error &error) {
            if (check != m_modelCheck)
                return;
            m_modelNote->setText(error.message());
            m_modelNote->setStyleSheet(QStringLiteral("color: #c62828;"));
        });
    validate();
}

QJsonObject NewJobDialog::fields() const
{
    QJsonArray targets;
    for (const QString &target : m_targets->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        targets.append(target.trimmed());
    bool numeric = false;
    const double learningRate = m_learningRate->text().trimmed().toDouble(&numeric);
    QJsonObject json{
        {QStringLiteral("name"), m_name->text().trimmed()},
        {QStringLiteral("description"), m_description->text().trimmed()},
        {QStringLiteral("training_type"), core::trainingTypeId(method())},
        {QStringLiteral("model_name"), m_model->currentData().toString()},
        {QStringLiteral("epochs"), m_epochs->value()},
        {QStringLiteral("batch_size"), m_batchSize->value()},
        {QStringLiteral("learning_rate"), numeric ? QJsonValue(learningRate) : QJsonValue(m_learningRate->text())},
        {QStringLiteral("max_seq_length"), m_maxLength->value()},
        {QStringLiteral("gradient_accumulation_steps"), m_accumulation->value()},
        {QStringLiteral("warmup_ratio"), m_warmup->value()},
        {QStringLiteral("lr_scheduler_type"), m_schedule->currentData().toString()},
        {QStringLiteral("eval_split"), m_heldOut->value() / 100},
        {QStringLiteral("seed"), m_seed->value()},
        {QStringLiteral("save_steps"), m_saveSteps->value()},
        {QStringLiteral("save_minutes"), m_saveMinutes->value()},
        {QStringLiteral("device"), m_device->currentData().toString()},
    };
    if (m_dataset->currentIndex() >= 0)
        json.insert(QStringLiteral("dataset_id"), m_dataset->currentData().toLongLong());
    if (m_checkpointing->currentData().isValid())
        json.insert(QStringLiteral("gradient_checkpointing"), m_checkpointing->currentData().toBool());
    if (method() == core::TrainingType::Rag) {
        json.insert(QStringLiteral("embedding_model"), m_embedder->currentData().toString());
        json.insert(QStringLiteral("chunk_unit"), m_chunkUnit->currentData().toString());
        json.insert(QStringLiteral("chunk_size"), m_chunkSize->value());
        json.insert(QStringLiteral("chunk_overlap"), m_chunkOverlap->value());
        json.insert(QStringLiteral("hnsw_from"), m_hnswFrom->value());
        json.insert(QStringLiteral("hybrid"), m_hybrid->isChecked());
        json.insert(QStringLiteral("fine_tune_generator"), m_generator->isChecked());
    }
    if (method() != core::TrainingType::Standard) {
        json.insert(QStringLiteral("lora_r"), m_rank->value());
        json.insert(QStringLiteral("lora_alpha"), m_alpha->value());
        json.insert(QStringLiteral("lora_dropout"), m_dropout->value());
        json.insert(QStringLiteral("target_modules"), targets);
    }
    return json;
}

void NewJobDialog::setRequest(const core::TrainingRequest &request)
{
    applyDefaults(request.type);
    m_name->setText(request.name);
    m_description->setText(request.description);
    if (request.modelName != kStarter)
        chooseModelFolder(request.modelName);
    m_dataset->setCurrentIndex(std::max(0, m_dataset->findData(request.dataset.toLongLong())));
    showSettings(request.settings);
    const core::RagSettings &rag = request.rag;
    chooseEmbedder(QString::fromStdString(rag.embeddingModel));
    m_chunkUnit->setCurrentIndex(std::max(0, m_chunkUnit->findData(QString::fromStdString(rag.chunkUnit))));
    m_chunkSize->setValue(int(rag.chunkSize));
    m_chunkOverlap->setValue(int(rag.chunkOverlap));
    m_hnswFrom->setValue(int(std::min<std::int64_t>(rag.hnswFrom, m_hnswFrom->maximum())));
    m_hybrid->setChecked(rag.hybrid);
    m_generator->setChecked(rag.fineTuneGenerator);
    methodChanged();
}

void NewJobDialog::validate()
{
    for (QLabel *label : std::as_const(m_problems))
        label->hide();
    QJsonObject json = fields();
    QVector<core::FieldProblem> problems = core::TrainingRequest::problemsOf(json);
    if (m_dataset->count() == 0)
        problems.append({QStringLiteral("dataset"), tr("Import a dataset on the Datasets page first.")});
    for (const core::FieldProblem &problem : std::as_const(problems)) {
        QLabel *label =
            m_problems.value(problem.field == QLatin1String("dataset_id") ? QStringLiteral("dataset") : problem.field);
        if (!label)
            label = m_failure;
        label->setText(label->isHidden() ? problem.message : label->text() + QLatin1Char('\n') + problem.message);
        label->show();
    }
    m_start->setEnabled(problems.isEmpty());
    planLater();
}

void NewJobDialog::accept()
{
    try {
        const core::TrainingRequest request = core::TrainingRequest::fromJson(fields(), tr("the new job"));
        if (m_cpuThreads->value() != m_core.settings().cpuThreads()) {
            m_core.settings().setCpuThreads(m_cpuThreads->value());
            core::applyCpuThreads(m_cpuThreads->value());
        }
        const core::JobInfo job = m_core.queue().create(request);
        emit created(job.id);
        QDialog::accept();
    } catch (const core::Error &error) {
        m_failure->setText(error.message());
        m_failure->show();
    }
}

} // namespace mtm::ui
