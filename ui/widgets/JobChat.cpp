#include "widgets/JobChat.h"

#include "AppCore.h"
#include "BackgroundTask.h"
#include "model/LanguageModel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QVBoxLayout>

namespace mtm::ui {

struct JobChat::Side
{
    QString title;
    QTextBrowser *view = nullptr;
    // Filled by the work that loads it, read on the UI thread once that work has ended.
    std::shared_ptr<std::shared_ptr<core::LanguageModel>> model =
        std::make_shared<std::shared_ptr<core::LanguageModel>>();
    QVector<QPair<QString, QString>> messages; // role, content
    QString answer;                            // the reply being written
};

namespace {

QTextBrowser *conversationView(const QString &name, QWidget *parent)
{
    auto *view = new QTextBrowser(parent);
    view->setObjectName(name);
    view->setOpenLinks(false);
    return view;
}

// A new turn: the speaker's name in a paragraph of its own, then an empty one for the words.
void appendTurn(QTextBrowser *view, const QString &speaker, const QString &colour)
{
    view->append(QStringLiteral("<b style='color:%1'>%2</b>").arg(colour, speaker.toHtmlEscaped()));
    view->append(QString());
}

// Words at the end of the conversation, in the plain format (not the speaker's).
void appendText(QTextBrowser *view, const QString &text)
{
    QTextCursor cursor = view->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, QTextCharFormat());
    view->setTextCursor(cursor);
}

} // namespace

JobChat::JobChat(core::AppCore &core, QWidget *parent)
    : QWidget(parent)
    , m_core(core)
{
    setObjectName(QStringLiteral("jobChat"));
    m_sides[0] = std::make_unique<Side>();
    m_sides[1] = std::make_unique<Side>();
    m_sides[0]->title = tr("Fine-tuned");
    m_sides[1]->title = tr("Base model");
    m_sides[0]->view = conversationView(QStringLiteral("chatFineTuned"), this);
    m_sides[1]->view = conversationView(QStringLiteral("chatBase"), this);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("chatStatus"));
    m_status->setWordWrap(true);
    m_message = new QLineEdit(this);
    m_message->setObjectName(QStringLiteral("chatMessage"));
    m_message->setPlaceholderText(tr("Write a message and press Enter"));
    m_send = new QPushButton(tr("Send"), this);
    m_send->setObjectName(QStringLiteral("chatSend"));
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("chatStop"));
    m_compare = new QCheckBox(tr("Compare with the base model"), this);
    m_compare->setChecked(true);
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0, 2);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(0.7);
    m_topP = new QDoubleSpinBox(this);
    m_topP->setRange(0.05, 1);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(0.9);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setRange(1, 8192);
    m_maxTokens->setValue(256);
    m_maxTokens->setSuffix(tr(" tokens"));
    connect(m_send, &QPushButton::clicked, this, [this] { send(m_message->text()); });
    connect(m_message, &QLineEdit::returnPressed, this, [this] { send(m_message->text()); });
    connect(m_message, &QLineEdit::textChanged, this, &JobChat::updateControls);
    connect(m_stopButton, &QPushButton::clicked, this, &JobChat::stop);
    connect(m_compare, &QCheckBox::toggled, m_sides[1]->view, &QWidget::setVisible);

    auto *settings = new QHBoxLayout;
    settings->addWidget(new QLabel(tr("Temperature:"), this));
    settings->addWidget(m_temperature);
    settings->addWidget(new QLabel(tr("Top-p:"), this));
    settings->addWidget(m_topP);
    settings->addWidget(new QLabel(tr("Longest answer:"), this));
    settings->addWidget(m_maxTokens);
    settings->addStretch();
    auto *conversations = new QHBoxLayout;
    for (const auto &side : m_sides) {
        auto *column = new QVBoxLayout;
        auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(side->title), this);
        column->addWidget(title);
        column->addWidget(side->view, 1);
        conversations->addLayout(column, 1);
        connect(m_compare, &QCheckBox::toggled, title, &QWidget::setVisible);
    }
    auto *input = new QHBoxLayout;
    input->addWidget(m_message, 1);
    input->addWidget(m_send);
    input->addWidget(m_stopButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(settings);
    layout->addLayout(conversations, 1);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_compare);
    layout->addLayout(statusRow);
    layout->addLayout(input);
    updateControls();
}

JobChat::~JobChat()
{
    if (m_stop)
        *m_stop = true;
    m_work.waitForFinished();
}

void JobChat::setJob(const core::JobInfo &job)
{
    const bool sameResult = job.id == m_job.id && job.state == m_job.state;
    m_job = job;
    if (sameResult)
        return;
    stop();
    m_work.waitForFinished();
    for (const auto &side : m_sides) {
        *side->model = nullptr; // the models of another job go
        side->model = std::make_shared<std::shared_ptr<core::LanguageModel>>();
        side->messages.clear();
        side->view->clear();
    }
    m_status->setText(job.state == core::JobState::Completed
                          ? tr("Talk to the fine-tuned model and its base side by side; the models load on the first "
                               "message.")
                          : tr("The chat opens when the job has completed."));
    updateControls();
}

void JobChat::send(const QString &message)
{
    if (m_answering || message.trimmed().isEmpty() || m_job.state != core::JobState::Completed)
        return;
    m_pending = message.trimmed();
    m_message->clear();
    ask(0);
}

void JobChat::ask(int side)
{
    Side &s = *m_sides[side];
    m_answering = true;
    updateControls();
    s.messages.append({QStringLiteral("user"), m_pending});
    appendTurn(s.view, tr("You"), QStringLiteral("#3f6fd8"));
    appendText(s.view, m_pending);
    appendTurn(s.view, s.title, QStringLiteral("#2e7d32"));
    s.answer.clear();
    if (!*s.model)
        m_status->setText(side == 0 ? tr("Loading the fine-tuned model…") : tr("Loading the base model…"));

    const auto stop = m_stop = std::make_shared<std::atomic<bool>>(false);
    core::GenerationSettings settings;
    settings.temperature = m_temperature->value();
    settings.topP = m_topP->value();
    settings.maxNewTokens = m_maxTokens->value();
    core::LanguageModel::Options options;
    options.chatFormat = m_job.request.chatFormatId(); // the template the job trained with
    m_work = runInBackground(
        this,
        [this, side, &core = m_core, request = m_job.request, folder = m_job.modelFolder(), slot = s.model,
         messages = s.messages, settings, options, stop] {
            if (!*slot) {
                const QString path = side == 0 ? folder : request.baseModelFolder(core, tr("the base model"));
                *slot = core::LanguageModel::open(path, options);
            }
            return (*slot)->chat(messages, settings, [this, side, stop](const QString &piece) {
                // Posted to the UI thread; the widget waits for this work before it goes.
                QMetaObject::invokeMethod(
                    this,
                    [this, side, piece] {
                        m_sides[side]->answer += piece;
                        appendText(m_sides[side]->view, piece);
                    },
                    Qt::QueuedConnection);
                return !*stop;
            });
        },
        [this, side](const core::GenerationOutcome &) {
            finishAnswer(side, QString());
            if (side == 0 && m_compare->isChecked())
                ask(1);
        },
        [this, side](const core::Error &error) {
            finishAnswer(side, error.isCancelled() ? tr("(stopped)") : error.message());
        });
}

void JobChat::finishAnswer(int side, const QString &note)
{
    Side &s = *m_sides[side];
    if (!s.answer.isEmpty())
        s.messages.append({QStringLiteral("assistant"), s.answer});
    else
        s.messages.removeLast(); // no answer: the question goes too, so that the next one stands alone
    if (!note.isEmpty()) {
        QTextCharFormat format;
        format.setFontItalic(true);
        format.setForeground(QColor(0xa1, 0x5c, 0x00));
        QTextCursor cursor = s.view->textCursor();
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(QStringLiteral(" ") + note, format);
    }
    if (*s.model)
        m_status->setText(tr("%1: %2").arg(s.title, (*s.model)->summary()));
    m_answering = false;
    updateControls();
}

void JobChat::stop()
{
    if (m_stop)
        *m_stop = true;
}

QString JobChat::transcript(bool fineTuned) const
{
    return m_sides[fineTuned ? 0 : 1]->view->toPlainText();
}

void JobChat::updateControls()
{
    const bool open = m_job.state == core::JobState::Completed;
    m_message->setEnabled(open);
    m_send->setEnabled(open && !m_answering && !m_message->text().trimmed().isEmpty());
    m_stopButton->setEnabled(m_answering);
}

} // namespace mtm::ui
