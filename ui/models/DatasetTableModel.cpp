#include "models/DatasetTableModel.h"

#include "data/RecordSchema.h"

#include <QLocale>

namespace mtm::ui {

QString schemaTitle(const QString &schemaId)
{
    const auto schema = core::schemaFromId(schemaId.toStdString());
    return schema ? QString::fromStdString(core::schemaTitle(*schema)) : schemaId;
}

QString schemaShortTitle(const QString &schemaId)
{
    switch (core::schemaFromId(schemaId.toStdString()).value_or(core::RecordSchema::Text)) {
    case core::RecordSchema::Alpaca:
        return QObject::tr("Alpaca");
    case core::RecordSchema::PromptCompletion:
        return QObject::tr("Prompt/completion");
    case core::RecordSchema::Chat:
        return QObject::tr("Chat");
    case core::RecordSchema::Text:
        return QObject::tr("Plain text");
    case core::RecordSchema::Documents:
        break;
    }
    return QObject::tr("Documents");
}

void DatasetTableModel::setDatasets(QVector<core::DatasetInfo> datasets)
{
    beginResetModel();
    m_datasets = std::move(datasets);
    endResetModel();
}

const core::DatasetInfo *DatasetTableModel::datasetAt(int row) const
{
    return row >= 0 && row < m_datasets.size() ? &m_datasets[row] : nullptr;
}

int DatasetTableModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_datasets.size(); ++row) {
        if (m_datasets[row].id == id)
            return row;
    }
    return -1;
}

int DatasetTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_datasets.size());
}

int DatasetTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const core::DatasetInfo &dataset = m_datasets[index.row()];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Name:
            return dataset.name;
        case Type:
            return schemaShortTitle(dataset.schema);
        case Records:
            return locale.toString(dataset.recordCount);
        case Imported:
            return locale.toString(dataset.createdAt.toLocalTime(), QLocale::ShortFormat);
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        QString tip = tr("%1\n%2 records (%3) from %4, %5")
                          .arg(dataset.name, locale.toString(dataset.recordCount), schemaTitle(dataset.schema),
                               dataset.originalFileName, locale.formattedDataSize(dataset.bytes));
        if (dataset.skippedCount > 0)
            tip += tr("\n%1 records of the file were left out").arg(locale.toString(dataset.skippedCount));
        return tip;
    } else if (role == Qt::TextAlignmentRole && index.column() == Records) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::UserRole) {
        return dataset.id;
    }
    return {};
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case Type:
        return tr("Type");
    case Records:
        return tr("Records");
    case Imported:
        return tr("Imported");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mtm::ui
