#include "widgets/JobAsk.h"

#include "AppCore.h"
#include "BackgroundTask.h"
#include "dialogs/FileDialog.h"
#include "model/LanguageModel.h"
#include "rag/RagModel.h"
#include "rag/RagPrompt.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace mtm::ui {

JobAsk::JobAsk(core::AppCore &core, QWidget *parent)
    : QWidget(parent)
    , m_core(core)
    , m_index(std::make_shared<std::shared_ptr<core::RagModel>>())
    , m_model(std::make_shared<std::shared_ptr<core::LanguageModel>>())
    , m_status(new QLabel(this))
    , m_question(new QLineEdit(this))
    , m_topK(new QSpinBox(this))
    , m_retrieval(new QComboBox(this))
    , m_answerModel(new QComboBox(this))
    , m_ask(new QPushButton(tr("Ask"), this))
    , m_stopButton(new QPushButton(tr("Stop"), this))
    , m_results(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("jobAsk"));
    m_status->setObjectName(QStringLiteral("askStatus"));
    m_status->setWordWrap(true);
    m_question->setObjectName(QStringLiteral("askQuestion"));
    m_question->setPlaceholderText(tr("Ask the documents a question"));
    m_topK->setObjectName(QStringLiteral("askTopK"));
    m_topK->setRange(1, 20);
    m_topK->setValue(3);
    m_retrieval->setObjectName(QStringLiteral("askRetrieval"));
    m_retrieval->addItem(tr("Hybrid: vectors and keywords"), int(core::Retrieval::Hybrid));
    m_retrieval->addItem(tr("Vectors only"), int(core::Retrieval::Dense));
    m_retrieval->addItem(tr("Keywords only (BM25)"), int(core::Retrieval::Keywords));
    m_answerModel->setObjectName(QStringLiteral("askAnswerModel"));
    m_answerModel->addItem(tr("No answer: show what is found"), QString());
    m_answerModel->addItem(tr("The starter model"), QStringLiteral("starter"));
    m_answerModel->addItem(tr("Choose a model folder…"), QStringLiteral("choose"));
    m_ask->setObjectName(QStringLiteral("askButton"));
    m_stopButton->setObjectName(QStringLiteral("askStop"));
    m_results->setObjectName(QStringLiteral("askResults"));
    m_results->setOpenLinks(false);

    connect(m_question, &QLineEdit::returnPressed, this, [this] { ask(m_question->text()); });
    connect(m_question, &QLineEdit::textChanged, this, &JobAsk::updateControls);
    connect(m_ask, &QPushButton::clicked, this, [this] { ask(m_question->text()); });
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        if (m_stop)
            *m_stop = true;
    });
    connect(m_answerModel, &QComboBox::activated, this, [this](int index) {
        if (m_answerModel->itemData(index).toString() != QLatin1String("choose"))
            return;
        const QString folder = FileDialog::openFolder(this, tr("Choose the Model That Answers"));
        setAnswerModel(folder);
    });

    auto *options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Chunks:"), this));
    options->addWidget(m_topK);
    options->addWidget(m_retrieval, 1);
    options->addWidget(new QLabel(tr("Answer with:"), this));
    options->addWidget(m_answerModel, 1);
    auto *askRow = new QHBoxLayout;
    askRow->addWidget(m_question, 1);
    askRow->addWidget(m_ask);
    askRow->addWidget(m_stopButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(options);
    layout->addLayout(askRow);
    layout->addWidget(m_results, 1);
    updateControls();
}

JobAsk::~JobAsk()
{
    if (m_stop)
        *m_stop = true;
    for (QFuture<void> &work : m_works)
        work.waitForFinished();
}

void JobAsk::track(QFuture<void> work)
{
    m_works.removeIf([](const QFuture<void> &done) { return done.isFinished(); });
    m_works.append(work);
}

void JobAsk::setAnswerModel(const QString &model)
{
    if (model.isEmpty() && m_answerModel->currentData().toString() == QLatin1String("choose")) {
        m_answerModel->setCurrentIndex(0);
        return;
    }
    int index = m_answerModel->findData(model);
    if (index < 0) {
        index = m_answerModel->count() - 1; // before "Choose a model folder…"
        m_answerModel->insertItem(index, QDir(model).dirName(), model);
    }
    m_answerModel->setCurrentIndex(index);
}

void JobAsk::setJob(const core::JobInfo &job)
{
    if (job.id == m_job.id && job.state == m_job.state)
        return;
    if (m_stop)
        *m_stop = true;
    ++m_generation; // what the work of the job shown until now hands back is dropped
    m_busy = false;
    m_job = job;
    m_index = std::make_shared<std::shared_ptr<core::RagModel>>(); // the index of another job goes
    m_results->clear();
    m_status->setText(job.state == core::JobState::Completed
                          ? tr("Ask the job's documents: the chunks that answer best are shown with their scores and "
                               "sources; a model can write an answer from them.")
                          : tr("Questions can be asked when the job has built its index."));
    updateControls();
}

void JobAsk::ask(const QString &text)
{
    const QString question = text.trimmed();
    if (m_busy || question.isEmpty() || m_job.state != core::JobState::Completed)
        return;
    m_busy = true;
    updateControls();
    m_results->clear();
    m_status->setText(*m_index ? tr("Searching…") : tr("Opening the index…"));
    const auto retrieval = core::Retrieval(m_retrieval->currentData().toInt());
    m_stop = std::make_shared<std::atomic<bool>>(false); // Stop now also stops the answer to come
    const quint64 generation = m_generation;
    track(runInBackground(
        this,
        [index = m_index, job = m_job, question, k = m_topK->value(), retrieval] {
            if (!*index)
                *index = core::RagModel::ofJob(job);
            return (*index)->search(question, k, retrieval);
        },
        [this, question, generation](const QVector<core::RetrievedChunk> &chunks) {
            if (generation != m_generation)
                return;
            QString html = tr("<h4>%1</h4><p><b>Found</b></p>").arg(question.toHtmlEscaped());
            QStringList context;
            for (int i = 0; i < chunks.size(); ++i) {
                const core::RetrievedChunk &chunk = chunks[i];
                context << chunk.text;
                html += tr("<p><b>%1.</b> <span style=\"color:#5f6368\">score %2 · record %3%4</span><br>%5</p>")
                            .arg(i + 1)
                            .arg(QString::number(chunk.score, 'f', 4))
                            .arg(chunk.record + 1)
                            .arg(chunk.part > 0 ? tr(", part %1").arg(chunk.part + 1) : QString())
                            .arg(chunk.text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
            }
            if (chunks.isEmpty())
                html += tr("<p>Nothing in the index answers this.</p>");
            m_results->setHtml(html);
            if (m_answerModel->currentData().toString().isEmpty() || chunks.isEmpty() || *m_stop)
                finish(tr("%n chunk(s) found.", nullptr, int(chunks.size())));
            else
                answer(question, context);
        },
        [this, generation](const core::Error &error) {
            if (generation == m_generation)
                finish(error.message());
        }));
}

void JobAsk::answer(const QString &question, const QStringList &context)
{
    const QString choice = m_answerModel->currentData().toString();
    const QString folder = choice == QLatin1String("starter") ? m_core.starterModel() : choice;
    if (folder != m_modelFolder) {
        *m_model = nullptr;
        m_model = std::make_shared<std::shared_ptr<core::LanguageModel>>();
        m_modelFolder = folder;
    }
    m_status->setText(*m_model ? tr("Writing the answer…") : tr("Loading %1…").arg(QDir(folder).dirName()));
    QTextCursor cursor = m_results->textCursor();
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat bold;
    bold.setFontWeight(QFont::Bold);
    cursor.insertBlock(QTextBlockFormat(), bold);
    cursor.insertText(tr("Answer"));
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat()); // the answer in plain text below
    const auto stop = m_stop;                                  // made by ask(): a Stop while searching holds
    const quint64 generation = m_generation;
    core::GenerationSettings settings;
    settings.temperature = 0.3;
    settings.maxNewTokens = 256;
    track(runInBackground(
        this,
        [this, slot = m_model, folder, prompt = core::ragPrompt(question, context), settings, stop, generation] {
            if (!*slot)
                *slot = core::LanguageModel::open(folder, {});
            return (*slot)->chat({{QStringLiteral("user"), prompt}}, settings,
                                 [this, stop, generation](const QString &piece) {
                                     // Posted to the UI thread; the widget waits for this work before it goes.
                                     QMetaObject::invokeMethod(
                                         this,
                                         [this, piece, generation] {
                                             if (generation != m_generation)
                                                 return;
                                             QTextCursor end = m_results->textCursor();
                                             end.movePosition(QTextCursor::End);
                                             end.insertText(piece, QTextCharFormat());
                                         },
                                         Qt::QueuedConnection);
                                     return !*stop;
                                 });
        },
        [this, generation](const core::GenerationOutcome &) {
            if (generation == m_generation)
                finish(tr("Answered by %1.").arg(QDir(m_modelFolder).dirName()));
        },
        [this, generation](const core::Error &error) {
            if (generation == m_generation)
                finish(error.isCancelled() ? tr("Stopped.") : error.message());
        }));
}

void JobAsk::finish(const QString &note)
{
    m_status->setText(note);
    m_busy = false;
    updateControls();
}

QString JobAsk::shown() const
{
    return m_results->toPlainText();
}

void JobAsk::updateControls()
{
    const bool open = m_job.state == core::JobState::Completed;
    m_question->setEnabled(open);
    m_ask->setEnabled(open && !m_busy && !m_question->text().trimmed().isEmpty());
    m_stopButton->setEnabled(m_busy);
}

} // namespace mtm::ui
