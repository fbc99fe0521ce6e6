#include "widgets/JobAsk.h"

#include "AppCore.h"
#include "BackgroundTask.h"
#include "deploy/OllamaClient.h"
#include "dialogs/FileDialog.h"
#include "dialogs/InputDialog.h"
#include "model/LanguageModel.h"
#include "rag/RagModel.h"
#include "rag/RagPrompt.h"
#include "settings/AppSettings.h"
#include "widgets/ModelChoice.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace mtm::ui {
namespace {

constexpr double kTemperature = 0.3; // an answer that keeps to the context
constexpr int kAnswerTokens = 256;

} // namespace

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
    m_answerModel->addItem(tr("A model in Ollama…"), QStringLiteral("choose-ollama"));
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
        if (m_answerModel->itemData(index).toString() == QLatin1String("choose-ollama"))
            chooseOllamaModel();
        else if (m_answerModel->itemData(index).toString() == QLatin1String("choose"))
            setAnswerModel(FileDialog::openFolder(this, tr("Choose the Model That Answers")));
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
    if (model.isEmpty() && m_answerModel->currentData().toString().startsWith(QLatin1String("choose"))) {
        m_answerModel->setCurrentIndex(0); // nothing was chosen
        return;
    }
    selectModel(m_answerModel, model, 2); // before "A model in Ollama…" and "Choose a model folder…"
}

void JobAsk::chooseOllamaModel()
{
    m_answerModel->setEnabled(false);
    m_status->setText(tr("Asking Ollama which models it has…"));
    track(runInBackground(
        this,
        [url = m_core.settings().ollamaUrl()] {
            return core::OllamaClient(core::ollamaServer({}, url), 5000).models();
        },
        [this](const QStringList &models) {
            m_answerModel->setEnabled(true);
            m_status->clear();
            const std::optional<QString> model =
                InputDialog::choice(this, tr("Answer with a Model in Ollama"),
                                    models.isEmpty() ? tr("Ollama has no models yet. The name of one to use:")
                                                     : tr("The Ollama model that answers:"),
                                    models);
            setAnswerModel(model ? QStringLiteral("ollama:") + *model : QString());
        },
        [this](const core::Error &error) {
            m_answerModel->setEnabled(true);
            setAnswerModel({});
            m_status->setText(error.message());
        }));
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
    // A job that fine-tuned a generator answers with it unless another model is chosen.
    const int generator = m_answerModel->findData(QStringLiteral("generator"));
    if (!job.modelFolder().isEmpty() && generator < 0) {
        m_answerModel->insertItem(1, tr("The job's fine-tuned generator"), QStringLiteral("generator"));
        m_answerModel->setCurrentIndex(1);
    } else if (job.modelFolder().isEmpty() && generator >= 0) {
        m_answerModel->removeItem(generator); // the current choice moves to the next item, as it should
    }
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
    QTextCursor cursor = m_results->textCursor();
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat bold;
    bold.setFontWeight(QFont::Bold);
    cursor.insertBlock(QTextBlockFormat(), bold);
    cursor.insertText(tr("Answer"));
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat()); // the answer in plain text below
    const auto stop = m_stop;                                  // made by ask(): a Stop while searching holds
    const quint64 generation = m_generation;
    const QString prompt = core::ragPrompt(question, context);
    // Each piece as it is written, posted to the UI thread (the widget waits for this work before it goes).
    const auto onPiece = [this, stop, generation](const QString &piece) {
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
    };
    const auto failed = [this, generation](const core::Error &error) {
        if (generation == m_generation)
            finish(error.isCancelled() ? tr("Stopped.") : error.message());
    };
    if (choice.startsWith(QLatin1String("ollama:"))) {
        const QString model = choice.mid(7);
        m_status->setText(tr("Asking %1 in Ollama…").arg(model));
        track(runInBackground(
            this,
            [url = m_core.settings().ollamaUrl(), model, prompt, stop, onPiece] {
                core::OllamaClient client(core::ollamaServer({}, url));
                client.setKeepGoing([stop] { return !*stop; });
                const QJsonArray messages{
                    QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), prompt}}};
                const QJsonObject options{{QStringLiteral("temperature"), kTemperature},
                                          {QStringLiteral("num_predict"), kAnswerTokens}};
                return client.chat(model, messages, options, onPiece);
            },
            [this, generation, model](const QString &) {
                if (generation == m_generation)
                    finish(tr("Answered by %1 in Ollama.").arg(model));
            },
            failed));
        return;
    }

    const QString folder = choice == QLatin1String("starter")     ? m_core.starterModel()
                           : choice == QLatin1String("generator") ? m_job.modelFolder()
                                                                  : choice;
    if (folder != m_modelFolder) {
        *m_model = nullptr;
        m_model = std::make_shared<std::shared_ptr<core::LanguageModel>>();
        m_modelFolder = folder;
    }
    m_status->setText(*m_model ? tr("Writing the answer…") : tr("Loading %1…").arg(QDir(folder).dirName()));
    core::GenerationSettings settings;
    settings.temperature = kTemperature;
    settings.maxNewTokens = kAnswerTokens;
    core::LanguageModel::Options options;
    if (choice == QLatin1String("generator"))
        options.chatFormat = m_job.request.chatFormatId(); // the template it trained with
    track(runInBackground(
        this,
        [slot = m_model, folder, prompt, settings, options, onPiece] {
            if (!*slot)
                *slot = core::LanguageModel::open(folder, options);
            return (*slot)->chat({{QStringLiteral("user"), prompt}}, settings, onPiece);
        },
        [this, generation, choice](const core::GenerationOutcome &) {
            if (generation == m_generation)
                finish(choice == QLatin1String("generator") ? tr("Answered by the job's fine-tuned generator.")
                       : choice == QLatin1String("starter") ? tr("Answered by the starter model.")
                                                            : tr("Answered by %1.").arg(QDir(m_modelFolder).dirName()));
        },
        failed));
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
