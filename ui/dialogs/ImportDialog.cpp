#include "dialogs/ImportDialog.h"

#include "BackgroundTask.h"
#include "TimeLeft.h"
#include "models/ProblemTableModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace mtm::ui {
namespace {

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

QString roleTitle(core::FieldRole role)
{
    QString id = fromStd(core::roleId(role));
    id[0] = id[0].toUpper();
    return id;
}

} // namespace

ImportDialog::ImportDialog(const QString &path, core::DatasetImporter &importer, QWidget *parent)
    : QDialog(parent)
    , m_path(path)
    , m_importer(importer)
    , m_progressTimer(new QTimer(this))
    , m_stages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import %1").arg(QFileInfo(path).fileName()));
    m_stages->addWidget(createCheckingPage());
    m_stages->addWidget(createReviewPage());
    m_stages->addWidget(createFailedPage());

    auto *buttons = new QDialogButtonBox(this);
    m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    m_importButton = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(QStringLiteral("importButton"));
    m_importButton->setDefault(true);
    connect(m_cancelButton, &QPushButton::clicked, this, &ImportDialog::reject);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::startStore);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_stages, 1);
    layout->addWidget(buttons);
    resize(860, 620);

    m_progressTimer->setInterval(100);
    connect(m_progressTimer, &QTimer::timeout, this, &ImportDialog::showProgress);
    startCheck(std::nullopt);
}

ImportDialog::~ImportDialog()
{
    // The work uses the importer, which the app's core owns: it must end before the core can go.
    if (m_checkProgress)
        m_checkProgress->cancel();
    m_checkTask.waitForFinished();
    m_storeTask.waitForFinished();
}

ImportDialog::Stage ImportDialog::stage() const
{
    return m_stage;
}

QWidget *ImportDialog::createCheckingPage()
{
    auto *page = new QWidget(this);
    m_checkingLabel = new QLabel(page);
    m_checkingLabel->setWordWrap(true);
    m_progress = new QProgressBar(page);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setRange(0, 1000);
    m_timeLeft = new QLabel(page);
    m_timeLeft->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    layout->addWidget(m_checkingLabel);
    layout->addWidget(m_progress);
    layout->addWidget(m_timeLeft);
    layout->addStretch();
    return page;
}

QWidget *ImportDialog::createReviewPage()
{
    auto *page = new QWidget(this);
    m_summary = new QLabel(page);
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);

    auto *mappingBox = new QGroupBox(tr("What the records are"), page);
    m_schema = new QComboBox(mappingBox);
    m_schema->setObjectName(QStringLiteral("schemaCombo"));
    for (const core::RecordSchema schema : core::allSchemas())
        m_schema->addItem(fromStd(core::schemaTitle(schema)), int(schema));
    m_mappingForm = new QFormLayout;
    m_mappingForm->addRow(tr("Record type:"), m_schema);
    m_mappingNote = new QLabel(mappingBox);
    m_mappingNote->setObjectName(QStringLiteral("mappingNote"));
    m_mappingNote->setWordWrap(true);
    m_checkAgain = new QPushButton(tr("Check Again with This Mapping"), mappingBox);
    m_checkAgain->setObjectName(QStringLiteral("checkAgainButton"));
    auto *mappingLayout = new QVBoxLayout(mappingBox);
    mappingLayout->addLayout(m_mappingForm);
    mappingLayout->addWidget(m_mappingNote);
    mappingLayout->addWidget(m_checkAgain, 0, Qt::AlignLeft);
    connect(m_schema, &QComboBox::activated, this, [this] {
        rebuildMappingRows();
        mappingEdited();
    });
    connect(m_checkAgain, &QPushButton::clicked, this, [this] { startCheck(chosenMapping()); });

    m_counts = new QLabel(page);
    m_counts->setObjectName(QStringLiteral("importCounts"));
    m_counts->setWordWrap(true);
    m_problemModel = new ProblemTableModel(this);
    m_problems = new QTableView(page);
    m_problems->setObjectName(QStringLiteral("importProblems"));
    m_problems->setModel(m_problemModel);
    m_problems->verticalHeader()->hide();
    m_problems->horizontalHeader()->setStretchLastSection(true);
    m_problems->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_problems->setWordWrap(false);
    m_dropDuplicates = new QCheckBox(page);
    m_dropDuplicates->setObjectName(QStringLiteral("dropDuplicates"));
    connect(m_dropDuplicates, &QCheckBox::toggled, this, &ImportDialog::showReview);
    m_name = new QLineEdit(page);
    m_name->setObjectName(QStringLiteral("datasetName"));
    auto *nameRow = new QFormLayout;
    nameRow->addRow(tr("Dataset name:"), m_name);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_summary);
    layout->addWidget(mappingBox);
    layout->addWidget(m_counts);
    layout->addWidget(m_problems, 1);
    layout->addWidget(m_dropDuplicates);
    layout->addLayout(nameRow);
    return page;
}

QWidget *ImportDialog::createFailedPage()
{
    auto *page = new QWidget(this);
    m_failure = new QLabel(page);
    m_failure->setObjectName(QStringLiteral("importFailure"));
    m_failure->setWordWrap(true);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    layout->addWidget(m_failure);
    layout->addStretch();
    return page;
}

void ImportDialog::startCheck(std::optional<core::FieldMapping> mapping)
{
    m_prepared.reset(); // removes the previous staging folder
    m_stage = Stage::Checking;
    m_stages->setCurrentIndex(0);
    m_checkingLabel->setText(tr("Checking every record of %1…").arg(QFileInfo(m_path).fileName()));
    m_progress->setValue(0);
    m_timeLeft->clear();
    m_importButton->setEnabled(false);
    m_elapsed.start();
    m_progressTimer->start();

    core::ImportOptions options;
    options.mapping = std::move(mapping);
    m_checkProgress = std::make_shared<TaskProgress>();
    m_checkTask = runInBackground(
        this,
        [&importer = m_importer, path = m_path, options, report = TaskProgress::reportTo(m_checkProgress)] {
            return importer.prepare(path, options, report);
        },
        [this](std::shared_ptr<core::PreparedImport> prepared) { checkFinished(std::move(prepared)); },
        [this](const core::Error &error) {
            m_progressTimer->stop();
            if (error.isCancelled())
                QDialog::reject();
            else
                fail(error.message());
        });
}

void ImportDialog::showProgress()
{
    if (m_stages->currentIndex() != 0 || m_checkProgress->total() <= 0)
        return;
    const double fraction = m_checkProgress->fraction();
    m_progress->setValue(int(fraction * 1000));
    const QString left = timeLeft(m_elapsed.elapsed(), fraction);
    if (!left.isEmpty())
        m_timeLeft->setText(tr("%1 of %2 read — %3")
                                .arg(QLocale().formattedDataSize(m_checkProgress->done()),
                                     QLocale().formattedDataSize(m_checkProgress->total()), left));
}

void ImportDialog::checkFinished(std::shared_ptr<core::PreparedImport> prepared)
{
    m_progressTimer->stop();
    m_prepared = std::move(prepared);
    m_mappingEdited = false;
    const core::FieldMapping &mapping = m_prepared->detection.mapping;
    m_schema->setCurrentIndex(m_schema->findData(int(mapping.schema)));
    rebuildMappingRows();
    if (m_name->text().isEmpty())
        m_name->setText(m_prepared->suggestedName());
    m_dropDuplicates->setChecked(false);
    m_stage = Stage::Review;
    m_stages->setCurrentIndex(1);
    showReview();
}

void ImportDialog::rebuildMappingRows()
{
    while (m_mappingForm->rowCount() > 1)
        m_mappingForm->removeRow(1);
    m_fieldCombos.clear();
    if (!m_prepared)
        return;
    const auto schema = core::RecordSchema(m_schema->currentData().toInt());
    const core::FieldMapping &detected = m_prepared->detection.mapping;
    for (const core::RoleSpec &spec : core::rolesOf(schema)) {
        auto *combo = new QComboBox(this);
        combo->setObjectName(QStringLiteral("field_") + fromStd(core::roleId(spec.role)));
        combo->addItem(spec.required ? tr("(choose a field)") : tr("(none)"), QString());
        for (const std::string &field : m_prepared->fieldNames)
            combo->addItem(fromStd(field), fromStd(field));
        const auto current = detected.schema == schema ? detected.fields.find(spec.role) : detected.fields.end();
        if (current != detected.fields.end())
            combo->setCurrentIndex(combo->findData(fromStd(current->second)));
        connect(combo, &QComboBox::activated, this, &ImportDialog::mappingEdited);
        m_mappingForm->addRow(spec.required ? tr("%1:").arg(roleTitle(spec.role))
                                            : tr("%1 (optional):").arg(roleTitle(spec.role)),
                              combo);
        m_fieldCombos[spec.role] = combo;
    }
}

std::optional<core::FieldMapping> ImportDialog::chosenMapping() const
{
    core::FieldMapping mapping{core::RecordSchema(m_schema->currentData().toInt()), {}};
    for (const auto &[role, combo] : m_fieldCombos) {
        const QString field = combo->currentData().toString();
        if (!field.isEmpty())
            mapping.fields[role] = field.toStdString();
    }
    return mapping;
}

void ImportDialog::mappingEdited()
{
    m_mappingEdited = true;
    showReview();
}

void ImportDialog::showReview()
{
    if (!m_prepared)
        return;
    const core::ValidationReport &report = m_prepared->report;
    const QLocale locale;
    QString summary = tr("<b>%1</b> was read as %2, %3.")
                          .arg(report.fileName.toHtmlEscaped(), report.container.toUpper(), report.encoding);
    for (const QString &note : report.notes)
        summary += QStringLiteral("<br>") + note.toHtmlEscaped();
    m_summary->setText(summary);

    // The mapping: confirmed, unsure, or edited and waiting for a new check.
    const std::optional<core::FieldMapping> chosen = chosenMapping();
    const bool complete = chosen && chosen->missingRoles().empty();
    const bool confident = m_prepared->detection.confident && !m_mappingEdited;
    m_checkAgain->setVisible(m_mappingEdited || !m_prepared->detection.confident);
    m_checkAgain->setEnabled(complete);
    if (m_mappingEdited) {
        m_mappingNote->setText(complete ? tr("Check the file again to apply the mapping you chose.")
                                        : tr("Choose a field for: %1.").arg(fromStd(chosen->missingRoles())));
        m_mappingNote->setStyleSheet(QString());
    } else if (m_prepared->mappingChosenByUser) {
        m_mappingNote->setText(tr("Checked with the mapping you chose."));
        m_mappingNote->setStyleSheet(QString());
    } else if (m_prepared->detection.confident) {
        m_mappingNote->setText(tr("Detected: %1.").arg(fromStd(m_prepared->detection.explanation)));
        m_mappingNote->setStyleSheet(QString());
    } else {
        m_mappingNote->setText(tr("Could not tell what the records are: %1. Choose the record type and which field "
                                  "is which, then check again.")
                                   .arg(fromStd(m_prepared->detection.explanation)));
        m_mappingNote->setStyleSheet(QStringLiteral("color: #a15c00;"));
    }

    const bool checked = report.recordsRead > 0 || report.readingStopped;
    const bool dropping = m_dropDuplicates->isChecked();
    const qint64 toImport = report.validRecords - (dropping ? report.duplicateRecords : 0);
    if (!checked || !confident) {
        m_counts->setText(confident ? tr("No records were read.") : QString());
    } else {
        QString counts = tr("%Ln record(s) read: ", nullptr, int(report.recordsRead)) +
                         tr("<b>%Ln ready to import</b>", nullptr, int(toImport));
        if (report.invalidRecords > 0)
            counts += tr(", <span style='color:#c62828'>%Ln with problems</span> (left out unless you fix the file)",
                         nullptr, int(report.invalidRecords));
        if (report.duplicateRecords > 0)
            counts += (dropping ? tr(", %Ln duplicate(s) (left out)", nullptr, int(report.duplicateRecords))
                                : tr(", %Ln duplicate(s) (kept)", nullptr, int(report.duplicateRecords)));
        counts += QLatin1Char('.');
        if (report.readingStopped)
            counts += tr("<br><span style='color:#c62828'>Reading stopped early: records after the problem marked "
                         "\"file\" were not read.</span>");
        if (report.omittedProblems() > 0)
            counts += tr("<br>The first %1 problems are listed; %2 more were counted.")
                          .arg(locale.toString(report.problems().size()), locale.toString(report.omittedProblems()));
        m_counts->setText(counts);
    }
    m_problemModel->setProblems(confident ? report.problems() : QVector<core::ImportProblem>());
    m_problems->setVisible(confident && !report.problems().isEmpty());
    m_problems->resizeColumnsToContents();
    m_dropDuplicates->setVisible(confident && report.duplicateRecords > 0);
    m_dropDuplicates->setText(tr("Leave out the %Ln duplicate record(s)", nullptr, int(report.duplicateRecords)));

    const bool canImport = confident && toImport > 0;
    m_importButton->setEnabled(canImport);
    m_importButton->setText(report.invalidRecords > 0 || report.readingStopped
                                ? tr("Import Only the %Ln Valid Record(s)", nullptr, int(toImport))
                                : tr("Import %Ln Record(s)", nullptr, int(qMax<qint64>(0, toImport))));
    m_cancelButton->setText(report.invalidRecords > 0 ? tr("Cancel and Fix the File") : tr("Cancel"));
}

void ImportDialog::startStore()
{
    if (!m_prepared || m_stage != Stage::Review)
        return;
    m_stage = Stage::Storing;
    m_stages->setCurrentIndex(0);
    m_checkingLabel->setText(tr("Storing the dataset…"));
    m_progress->setRange(0, 0);
    m_timeLeft->clear();
    m_importButton->setEnabled(false);
    m_cancelButton->setEnabled(false);
    m_storeTask = runInBackground(
        this,
        [&importer = m_importer, prepared = m_prepared, name = m_name->text(), drop = m_dropDuplicates->isChecked()] {
            return importer.commit(*prepared, name, drop);
        },
        [this](const core::DatasetInfo &dataset) { storeFinished(dataset); },
        [this](const core::Error &error) {
            m_progress->setRange(0, 1000);
            m_cancelButton->setEnabled(true);
            fail(error.message());
        });
}

void ImportDialog::storeFinished(const core::DatasetInfo &dataset)
{
    m_prepared.reset();
    emit imported(dataset.id);
    accept();
}

void ImportDialog::fail(const QString &message)
{
    m_prepared.reset();
    m_failure->setText(tr("<b>%1 could not be imported.</b><br><br>%2<br><br>Nothing was stored.")
                           .arg(QFileInfo(m_path).fileName().toHtmlEscaped(), message.toHtmlEscaped()));
    m_stage = Stage::Failed;
    m_stages->setCurrentIndex(2);
    m_importButton->hide();
    m_cancelButton->setText(tr("Close"));
}

void ImportDialog::reject()
{
    if (m_stage == Stage::Checking) {
        m_checkProgress->cancel(); // the dialog closes once the worker has stopped
        m_checkingLabel->setText(tr("Cancelling…"));
        return;
    }
    if (m_stage == Stage::Storing)
        return; // storing is quick and cannot be interrupted halfway
    m_prepared.reset();
    QDialog::reject();
}

} // namespace mtm::ui
