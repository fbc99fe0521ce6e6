#include "pages/DatasetsPage.h"

#include "store/SqlExec.h"
#include "store/Store.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"

#include <QHeaderView>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>

namespace mtm::ui {

DatasetsPage::DatasetsPage(core::Store &store, QWidget *parent)
    : Page(parent)
    , m_store(store)
    , m_table(new QTableView(this))
    , m_details(new QTabWidget(this))
{
    setObjectName(QStringLiteral("datasetsPage"));

    auto *header = new PageHeader(tr("Datasets"),
                                  tr("Your training data: CSV, JSON and JSONL files, every record checked before "
                                     "it is stored."),
                                  this);

    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/datasets.svg"), tr("No datasets yet"),
        tr("Drop a CSV, JSON or JSONL file on this page to import it. Every record is checked first, and any "
           "problem is listed with its line and field, so you can fix the file or import only the valid records."),
        this);
    empty->setObjectName(QStringLiteral("datasetsEmptyState"));

    m_table->setObjectName(QStringLiteral("datasetsTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();

    m_details->setObjectName(QStringLiteral("datasetDetails"));
    m_details->addTab(new QWidget(m_details), tr("Records"));
    m_details->addTab(new QWidget(m_details), tr("Statistics"));
    m_details->addTab(new QWidget(m_details), tr("Validation"));

    auto *content = new QSplitter(Qt::Horizontal, this);
    content->setObjectName(QStringLiteral("datasetsContent"));
    content->addWidget(m_table);
    content->addWidget(m_details);
    content->setStretchFactor(0, 2);
    content->setStretchFactor(1, 3);

    setUp(header, empty, content);

    refresh();
}

void DatasetsPage::refresh()
{
    const int datasets =
        core::queryScalar(m_store.connection(), QStringLiteral("SELECT count(*) FROM datasets")).toInt();
    showEmptyState(datasets == 0);
}

} // namespace mtm::ui
