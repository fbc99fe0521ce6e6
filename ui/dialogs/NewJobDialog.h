// The New Job dialog: what to train (method, base model, dataset) and how (epochs, batch size, learning rate,
// LoRA, sequence length, schedule, held-out share, seed, checkpoints, device) — or, for RAG, how the index is built
// (embedding model, chunks, hybrid search, HNSW, and an optional generator fine-tune) — with the user guide's
// recommended defaults, each problem shown beside its field as it is typed, and the base model checked the moment it is
// chosen. Start queues the job through the core's queue.
#pragma once

#include "jobs/TrainingRequest.h"

#include <QDialog>
#include <QHash>

#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace mtm::core {
class AppCore;
}

namespace mtm::ui {

class NewJobDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewJobDialog(core::AppCore &core, QWidget *parent = nullptr);

    // Fills the fields from an existing job's settings (Duplicate).
    void setRequest(const core::TrainingRequest &request);
    // The fields as the REST API names them; what Start queues.
    QJsonObject fields() const;
    QPushButton *startButton() const { return m_start; }
    // The plan shown before Start: records, tokens, what is cut, steps, time, memory and, when the job will not
    // fit, the warning (empty while it is being made).
    QString planText() const;
    // Chooses a model folder as if picked with the folder dialog.
    void chooseModelFolder(const QString &folder);

    void accept() override; // queues the job; stays open with the reason when that fails

signals:
    void created(qint64 jobId);

private:
    QWidget *createWhatGroup();
    QWidget *createTrainingGroup();
    QWidget *createRagGroup();
    void chooseEmbedder(const QString &embedder); // "" (built-in), a folder or "ollama:<name>"
    QWidget *createLoraGroup();
    QWidget *createCheckpointGroup();
    QWidget *createPlanGroup();
    void planLater(); // after a pause in the typing
    void plan();
    QString timeText(const engine::TrainingPlan &plan) const;
    QString memoryText(const engine::TrainingPlan &plan) const;
    QString memoryWarning(const engine::TrainingPlan &plan) const;
    // Adds a field with its problem label under it, remembered by its REST name.
    void addField(QFormLayout *form, const QString &label, QWidget *field, const QString &name);
    void methodChanged();
    void modelChanged();
    void validate();
    void applyDefaults(core::TrainingType type);
    void showSettings(const engine::TrainingConfig &settings);
    core::TrainingType method() const;

    core::AppCore &m_core;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_method;
    QLabel *m_methodNote;
    QComboBox *m_model;
    QLabel *m_modelNote;
    QComboBox *m_dataset;
    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QLineEdit *m_learningRate;
    QSpinBox *m_maxLength;
    QSpinBox *m_accumulation;
    QDoubleSpinBox *m_warmup;
    QComboBox *m_schedule;
    QDoubleSpinBox *m_heldOut;
    QSpinBox *m_seed;
    QSpinBox *m_rank;
    QDoubleSpinBox *m_alpha;
    QDoubleSpinBox *m_dropout;
    QLineEdit *m_targets;
    QSpinBox *m_saveSteps;
    QDoubleSpinBox *m_saveMinutes;
    QComboBox *m_device;
    QGroupBox *m_ragGroup;
    QComboBox *m_embedder;
    QComboBox *m_chunkUnit;
    QSpinBox *m_chunkSize;
    QSpinBox *m_chunkOverlap;
    QSpinBox *m_hnswFrom;
    QCheckBox *m_hybrid;
    QCheckBox *m_generator;
    QComboBox *m_checkpointing;
    QSpinBox *m_cpuThreads;
    QLabel *m_plan;
    QLabel *m_memoryWarning;
    QTimer *m_planTimer;
    int m_planned = 0; // the latest plan asked for
    QLabel *m_failure;
    QPushButton *m_start;
    QHash<QString, QLabel *> m_problems; // REST field name → its problem label
    int m_modelCheck = 0;                // the latest check of the chosen model folder
};

} // namespace mtm::ui
