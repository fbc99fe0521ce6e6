#include "models/ProblemTableModel.h"

#include <QApplication>
#include <QStyle>

namespace mtm::ui {

void ProblemTableModel::setProblems(QVector<core::ImportProblem> problems)
{
    beginResetModel();
    m_problems = std::move(problems);
    endResetModel();
}

int ProblemTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_problems.size());
}

int ProblemTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProblemTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const core::ImportProblem &problem = m_problems[index.row()];
    const bool error = problem.severity == core::ImportProblem::Severity::Error;
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Severity:
            return error ? tr("Error") : tr("Warning");
        case Line:
            return problem.line > 0 ? QVariant(problem.line) : QVariant();
        case Record:
            return problem.record > 0 ? QVariant(problem.record) : QVariant(tr("file"));
        case Field:
            return problem.field;
        case Problem:
            return problem.byteOffset >= 0 && !problem.message.contains(QStringLiteral("byte"))
                       ? tr("%1 (byte %2)").arg(problem.message).arg(problem.byteOffset)
                       : problem.message;
        case ColumnCount:
            break;
        }
    } else if (role == Qt::DecorationRole && index.column() == Severity) {
        return QApplication::style()->standardIcon(error ? QStyle::SP_MessageBoxCritical
                                                         : QStyle::SP_MessageBoxWarning);
    } else if (role == Qt::ToolTipRole) {
        return problem.describe(QString());
    }
    return {};
}

QVariant ProblemTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Severity:
        return tr("Severity");
    case Line:
        return tr("Line");
    case Record:
        return tr("Record");
    case Field:
        return tr("Field");
    case Problem:
        return tr("Problem");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mtm::ui
