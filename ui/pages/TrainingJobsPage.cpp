#include "pages/TrainingJobsPage.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"

#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLineSeries>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>

namespace mtm::ui {
namespace {

QChart *createLossChart()
{
    auto *chart = new QChart;
    chart->setTitle(QObject::tr("Loss"));
    auto *training = new QLineSeries(chart);
    training->setName(QObject::tr("Training loss"));
    auto *heldOut = new QLineSeries(chart);
    heldOut->setName(QObject::tr("Held-out loss"));
    chart->addSeries(training);
    chart->addSeries(heldOut);
    auto *steps = new QValueAxis(chart);
    steps->setTitleText(QObject::tr("Step"));
    steps->setLabelFormat(QStringLiteral("%d"));
    auto *loss = new QValueAxis(chart);
    loss->setTitleText(QObject::tr("Loss"));
    chart->addAxis(steps, Qt::AlignBottom);
    chart->addAxis(loss, Qt::AlignLeft);
    for (QAbstractSeries *series : chart->series()) {
        series->attachAxis(steps);
        series->attachAxis(loss);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace

TrainingJobsPage::TrainingJobsPage(core::AppCore &core, QWidget *parent)
    : Page(parent)
    , m_jobs(core.jobs())
    , m_table(new QTableView(this))
    , m_lossChart(new QChartView(createLossChart(), this))
{
    setObjectName(QStringLiteral("trainingJobsPage"));

    auto *header = new PageHeader(tr("Training Jobs"),
                                  tr("Fine-tune a model on a dataset with QLoRA, fast LoRA, full fine-tuning or RAG, "
                                     "and follow its loss as it trains."),
                                  this);

    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/training.svg"), tr("No training jobs yet"),
        tr("Import a dataset on the Datasets page first, then create a job here. Jobs run in the background, "
           "keep their checkpoints, and carry on after a restart."),
        this);
    empty->setObjectName(QStringLiteral("jobsEmptyState"));

    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();

    m_lossChart->setObjectName(QStringLiteral("lossChart"));
    m_lossChart->setRenderHint(QPainter::Antialiasing);

    auto *content = new QSplitter(Qt::Vertical, this);
    content->setObjectName(QStringLiteral("jobsContent"));
    content->addWidget(m_table);
    content->addWidget(m_lossChart);
    content->setStretchFactor(0, 2);
    content->setStretchFactor(1, 3);

    setUp(header, empty, content);

    refresh();
}

void TrainingJobsPage::refresh()
{
    showEmptyState(m_jobs.count() == 0);
}

} // namespace mtm::ui
