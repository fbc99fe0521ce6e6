#include "models/JobTableModel.h"

#include "TimeLeft.h"

#include <QBrush>
#include <QFileInfo>
#include <QLocale>

namespace mtm::ui {

QString jobStateTitle(core::JobState state)
{
    switch (state) {
    case core::JobState::Queued:
        return QObject::tr("Queued");
    case core::JobState::Running:
        return QObject::tr("Running");
    case core::JobState::Completed:
        return QObject::tr("Completed");
    case core::JobState::Failed:
        return QObject::tr("Failed");
    case core::JobState::Cancelled:
        return QObject::tr("Cancelled");
    case core::JobState::Interrupted:
        break;
    }
    return QObject::tr("Interrupted");
}

QString baseModelTitle(const QString &modelName)
{
    return modelName == QLatin1String("starter") ? QObject::tr("Starter model") : QFileInfo(modelName).fileName();
}

void JobTableModel::setJobs(QVector<core::JobInfo> jobs, QHash<qint64, QString> datasetNames,
                            QHash<qint64, double> losses)
{
    beginResetModel();
    m_jobs = std::move(jobs);
    m_datasetNames = std::move(datasetNames);
    m_losses = std::move(losses);
    for (auto live = m_live.begin(); live != m_live.end();) { // only running jobs keep live figures
        const int row = rowOf(live.key());
        if (row >= 0 && m_jobs[row].state == core::JobState::Running)
            ++live;
        else
            live = m_live.erase(live);
    }
    endResetModel();
}

void JobTableModel::updateProgress(qint64 id, const engine::TrainingProgress &progress)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_live.insert(id, progress);
    if (progress.totalSteps > 0) {
        m_jobs[row].step = progress.step;
        m_jobs[row].totalSteps = progress.totalSteps;
    }
    if (progress.loss)
        m_losses.insert(id, *progress.loss);
    Q_EMIT dataChanged(index(row, Progress), index(row, TimeLeft));
}

const core::JobInfo *JobTableModel::jobAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? &m_jobs[row] : nullptr;
}

int JobTableModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (m_jobs[row].id == id)
            return row;
    }
    return -1;
}

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::display(const core::JobInfo &job, Column column) const
{
    const QLocale locale;
    switch (column) {
    case Name:
        return job.request.name;
    case Method:
        return core::trainingTypeTitle(job.request.type);
    case BaseModel:
        return baseModelTitle(job.request.modelName);
    case Dataset:
        return job.datasetId ? m_datasetNames.value(*job.datasetId, tr("(deleted)")) : tr("(deleted)");
    case State:
        return jobStateTitle(job.state);
    case Progress:
        if (job.totalSteps <= 0)
            return QString();
        if (job.request.type == core::TrainingType::Rag) // its steps are thousandths of the index's building
            return tr("%1 %").arg(job.step * 100 / job.totalSteps);
        return tr("%1 of %2").arg(locale.toString(job.step), locale.toString(job.totalSteps));
    case Loss:
        return m_losses.contains(job.id) ? locale.toString(m_losses.value(job.id), 'f', 4) : QString();
    case TimeLeft: {
        const auto live = m_live.constFind(job.id);
        if (live == m_live.constEnd() || job.state != core::JobState::Running || live->etaSeconds <= 0)
            return QString();
        return durationText(qint64(live->etaSeconds));
    }
    case Created:
        return locale.toString(job.createdAt.toLocalTime(), QLocale::ShortFormat);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const core::JobInfo &job = m_jobs[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(job, Column(index.column()));
    case FractionRole:
        return job.progress();
    case Qt::ToolTipRole: {
        QString tip = job.request.name;
        if (!job.request.description.isEmpty())
            tip += QLatin1Char('\n') + job.request.description;
        if (!job.error.isEmpty())
            tip += QLatin1Char('\n') + job.error;
        return tip;
    }
    case Qt::ForegroundRole:
        if (index.column() == State && job.state == core::JobState::Failed)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (index.column() == State && job.state == core::JobState::Completed)
            return QBrush(QColor(0x2e, 0x7d, 0x32));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Loss || index.column() == TimeLeft)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::UserRole:
        return job.id;
    default:
        return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case Method:
        return tr("Method");
    case BaseModel:
        return tr("Base model");
    case Dataset:
        return tr("Dataset");
    case State:
        return tr("State");
    case Progress:
        return tr("Progress");
    case Loss:
        return tr("Loss");
    case TimeLeft:
        return tr("Time left");
    case Created:
        return tr("Created");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mtm::ui
