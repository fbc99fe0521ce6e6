// A chat with a completed job's result: the fine-tuned model and, beside it, its base model answer the same
// message, streamed as they write, with the chat template the job trained with; Stop ends the answer being
// written; temperature, top-p and the answer's length are the user's. The models load in the background on the
// first message and stay loaded while the job is shown.
#pragma once

#include "jobs/JobInfo.h"

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace mtm::core {
class AppCore;
class LanguageModel;
} // namespace mtm::core

namespace mtm::ui {

class JobChat : public QWidget
{
    Q_OBJECT
public:
    explicit JobChat(core::AppCore &core, QWidget *parent = nullptr);
    ~JobChat() override; // stops an answer being written and waits for it

    // The job whose result to talk to; a job that has not completed shows why there is no chat yet.
    void setJob(const core::JobInfo &job);
    // Sends a message, as the Send button does.
    void send(const QString &message);
    bool isAnswering() const { return m_answering; }
    QString transcript(bool fineTuned) const; // the conversation as plain text, for tests

private:
    struct Side;
    void ask(int side);
    void finishAnswer(int side, const QString &note);
    void stop();
    void updateControls();

    core::AppCore &m_core;
    core::JobInfo m_job;
    std::unique_ptr<Side> m_sides[2]; // 0: the fine-tuned model, 1: its base
    std::shared_ptr<std::atomic<bool>> m_stop;
    QFuture<void> m_work;
    bool m_answering = false;
    QString m_pending; // the message both sides answer
    QLabel *m_status;
    QLineEdit *m_message;
    QPushButton *m_send;
    QPushButton *m_stopButton;
    QCheckBox *m_compare;
    QDoubleSpinBox *m_temperature;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_maxTokens;
};

} // namespace mtm::ui
