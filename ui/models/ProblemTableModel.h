// The problems a validation found, as a table: severity, line, record, field and what is wrong.
#pragma once

#include "data/ValidationReport.h"

#include <QAbstractTableModel>

namespace mtm::ui {

class ProblemTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Severity, Line, Record, Field, Problem, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setProblems(QVector<core::ImportProblem> problems);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<core::ImportProblem> m_problems;
};

} // namespace mtm::ui
