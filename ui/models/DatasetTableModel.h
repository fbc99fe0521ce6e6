// The datasets as a table: name, record type, records and when it was imported (the file in the tooltip).
#pragma once

#include "data/DatasetInfo.h"

#include <QAbstractTableModel>
#include <QVector>

namespace mtm::ui {

class DatasetTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Type, Records, Imported, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setDatasets(QVector<core::DatasetInfo> datasets);
    const core::DatasetInfo *datasetAt(int row) const;
    int rowOf(qint64 id) const; // -1 when absent

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<core::DatasetInfo> m_datasets;
};

// "Alpaca (instruction, input, output)" for "alpaca".
QString schemaTitle(const QString &schemaId);
// "Alpaca", for tight places.
QString schemaShortTitle(const QString &schemaId);

} // namespace mtm::ui
