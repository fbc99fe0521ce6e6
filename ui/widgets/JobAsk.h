// Asking a completed RAG job's index: a question finds the chunks of the documents that answer it best — each with
// its score and its source (the record and the part) — by hybrid, vector or keyword retrieval; and, when a model is
// chosen to answer (the job's fine-tuned generator, the starter model, a model folder, or a model in Ollama), the
// answer it writes from them with the user guide's prompt, streamed as it is written, with Stop. The index and the
// model load in the background on first use.
#pragma once

#include "jobs/JobInfo.h"

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace mtm::core {
class AppCore;
class LanguageModel;
class RagModel;
} // namespace mtm::core

namespace mtm::ui {

class JobAsk : public QWidget
{
    Q_OBJECT
public:
    explicit JobAsk(core::AppCore &core, QWidget *parent = nullptr);
    ~JobAsk() override; // stops an answer being written and waits for all work

    void setJob(const core::JobInfo &job);
    void ask(const QString &question);
    bool isBusy() const { return m_busy; }
    QString shown() const; // what the results show, as plain text, for tests
    // The model that answers: "" for none (retrieval only), "generator" (the job's own), "starter", a model folder,
    // or "ollama:<name>" for a model the Ollama server has.
    void setAnswerModel(const QString &model);

private:
    void answer(const QString &question, const QStringList &context);
    void chooseOllamaModel();
    void finish(const QString &note);
    void updateControls();
    void track(QFuture<void> work);

    core::AppCore &m_core;
    core::JobInfo m_job;
    std::shared_ptr<std::shared_ptr<core::RagModel>> m_index; // loaded on the first question
    std::shared_ptr<std::shared_ptr<core::LanguageModel>> m_model;
    QString m_modelFolder; // what m_model holds
    std::shared_ptr<std::atomic<bool>> m_stop;
    QList<QFuture<void>> m_works; // all waited for when the widget goes (work of a job no longer shown too)
    bool m_busy = false;
    quint64 m_generation = 0; // a new job shown: results of earlier work are dropped
    QLabel *m_status;
    QLineEdit *m_question;
    QSpinBox *m_topK;
    QComboBox *m_retrieval;
    QComboBox *m_answerModel;
    QPushButton *m_ask;
    QPushButton *m_stopButton;
    QTextBrowser *m_results;
};

} // namespace mtm::ui
