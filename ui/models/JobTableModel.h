// The training jobs as a table: name, method, base model, dataset, state, progress, loss, time left and when it
// was created; running jobs update in place from the queue's progress.
#pragma once

#include "engine/train/TrainingProgress.h"
#include "jobs/JobInfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QVector>

namespace mtm::ui {

class JobTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Method, BaseModel, Dataset, State, Progress, Loss, TimeLeft, Created, ColumnCount };
    static constexpr int FractionRole = Qt::UserRole + 1; // Progress: 0 to 1

    using QAbstractTableModel::QAbstractTableModel;

    // datasetNames: id → name of the datasets that still exist; losses: the latest loss of each job.
    void setJobs(QVector<core::JobInfo> jobs, QHash<qint64, QString> datasetNames, QHash<qint64, double> losses);
    void updateProgress(qint64 id, const engine::TrainingProgress &progress);
    const core::JobInfo *jobAt(int row) const;
    int rowOf(qint64 id) const; // -1 when absent

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const core::JobInfo &job, Column column) const;

    QVector<core::JobInfo> m_jobs;
    QHash<qint64, QString> m_datasetNames;
    QHash<qint64, double> m_losses;
    QHash<qint64, engine::TrainingProgress> m_live;
};

QString jobStateTitle(core::JobState state); // "Running", "Interrupted", …
// "Starter model", or the model folder's name.
QString baseModelTitle(const QString &modelName);

} // namespace mtm::ui
