#include "widgets/LossChart.h"

#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace mtm::ui {
namespace {

constexpr double kSmoothing = 0.9; // the weight of the past in the smoothed curve (an exponential moving average)
const QColor kLoss(63, 111, 216);
const QColor kEvaluation(230, 120, 20);
const QColor kLearningRate(120, 120, 120);
const QColor kOverlays[] = {QColor(46, 125, 50), QColor(142, 36, 170), QColor(198, 40, 40), QColor(0, 131, 143),
                            QColor(121, 85, 72)};

// The smoothed loss of a list of metrics, debiased as TensorBoard does.
QList<QPointF> smoothed(const QVector<core::JobMetric> &metrics)
{
    QList<QPointF> points;
    double average = 0;
    int count = 0;
    for (const core::JobMetric &metric : metrics) {
        if (!metric.loss)
            continue;
        average = kSmoothing * average + (1 - kSmoothing) * *metric.loss;
        ++count;
        points.append(QPointF(double(metric.step), average / (1 - std::pow(kSmoothing, count))));
    }
    return points;
}

} // namespace

LossChart::LossChart(QWidget *parent)
    : QChartView(new QChart, parent)
    , m_raw(new QLineSeries(chart()))
    , m_smoothed(new QLineSeries(chart()))
    , m_evaluations(new QScatterSeries(chart()))
    , m_learningRate(new QLineSeries(chart()))
    , m_steps(new QValueAxis(chart()))
    , m_learningRateAxis(new QValueAxis(chart()))
{
    setObjectName(QStringLiteral("lossChart"));
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::RectangleRubberBand);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));

    m_raw->setName(tr("Training loss"));
    m_raw->setPen(QPen(QColor(kLoss.red(), kLoss.green(), kLoss.blue(), 90), 1));
    m_smoothed->setName(tr("Smoothed"));
    m_smoothed->setPen(QPen(kLoss, 2.5));
    m_evaluations->setName(tr("Held-out loss"));
    m_evaluations->setColor(kEvaluation);
    m_evaluations->setBorderColor(kEvaluation.darker(130));
    m_evaluations->setMarkerSize(9);
    m_learningRate->setName(tr("Learning rate"));
    m_learningRate->setPen(QPen(kLearningRate, 1, Qt::DashLine));
    for (QAbstractSeries *series :
         {static_cast<QAbstractSeries *>(m_raw), static_cast<QAbstractSeries *>(m_smoothed),
          static_cast<QAbstractSeries *>(m_evaluations), static_cast<QAbstractSeries *>(m_learningRate)})
        chart()->addSeries(series);

    m_steps->setTitleText(tr("Step"));
    m_steps->setLabelFormat(QStringLiteral("%d"));
    chart()->addAxis(m_steps, Qt::AlignBottom);
    m_learningRateAxis->setTitleText(tr("Learning rate"));
    m_learningRateAxis->setLabelFormat(QStringLiteral("%.1e"));
    chart()->addAxis(m_learningRateAxis, Qt::AlignRight);
    for (QAbstractSeries *series : chart()->series())
        series->attachAxis(m_steps);
    m_learningRate->attachAxis(m_learningRateAxis);
    attachLossAxis();
    rescale();
}

void LossChart::attachLossAxis()
{
    if (m_lossAxis) {
        chart()->removeAxis(m_lossAxis); // detaches the series too
        delete m_lossAxis;
    }
    if (m_logScale) {
        auto *axis = new QLogValueAxis(chart());
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%.3g"));
        axis->setMinorTickCount(-1);
        m_lossAxis = axis;
    } else {
        auto *axis = new QValueAxis(chart());
        axis->setLabelFormat(QStringLiteral("%.2f"));
        m_lossAxis = axis;
    }
    m_lossAxis->setTitleText(tr("Loss"));
    chart()->addAxis(m_lossAxis, Qt::AlignLeft);
    for (QAbstractSeries *series : chart()->series()) {
        if (series != m_learningRate)
            series->attachAxis(m_lossAxis);
    }
}

void LossChart::setMetrics(const QVector<core::JobMetric> &metrics)
{
    QList<QPointF> raw, evaluations, rates;
    for (const core::JobMetric &metric : metrics) {
        if (metric.loss)
            raw.append(QPointF(double(metric.step), *metric.loss));
        if (metric.evalLoss)
            evaluations.append(QPointF(double(metric.step), *metric.evalLoss));
        if (metric.learningRate)
            rates.append(QPointF(double(metric.step), *metric.learningRate));
    }
    m_raw->replace(raw);
    m_smoothed->replace(smoothed(metrics));
    m_evaluations->replace(evaluations);
    m_learningRate->replace(rates);
    // The running average continues from the last point, for addMetric().
    m_average = 0;
    m_averaged = 0;
    for (const core::JobMetric &metric : metrics) {
        if (metric.loss) {
            m_average = kSmoothing * m_average + (1 - kSmoothing) * *metric.loss;
            ++m_averaged;
        }
    }
    rescale();
}

void LossChart::addMetric(const core::JobMetric &metric)
{
    if (metric.loss && (m_raw->count() == 0 || m_raw->at(m_raw->count() - 1).x() < double(metric.step)))
        appendTraining(metric);
    if (metric.evalLoss &&
        (m_evaluations->count() == 0 || m_evaluations->at(m_evaluations->count() - 1).x() < double(metric.step)))
        m_evaluations->append(double(metric.step), *metric.evalLoss);
    rescale();
}

void LossChart::appendTraining(const core::JobMetric &metric)
{
    m_raw->append(double(metric.step), *metric.loss);
    m_average = kSmoothing * m_average + (1 - kSmoothing) * *metric.loss;
    ++m_averaged;
    m_smoothed->append(double(metric.step), m_average / (1 - std::pow(kSmoothing, m_averaged)));
    if (metric.learningRate)
        m_learningRate->append(double(metric.step), *metric.learningRate);
}

void LossChart::setOverlay(const QString &name, const QVector<core::JobMetric> &metrics)
{
    auto *series = new QLineSeries(chart());
    series->setName(name);
    series->setPen(QPen(kOverlays[m_overlays.size() % std::size(kOverlays)], 2, Qt::DotLine));
    series->replace(smoothed(metrics));
    chart()->addSeries(series);
    series->attachAxis(m_steps);
    series->attachAxis(m_lossAxis);
    m_overlays.append(series);
    rescale();
}

void LossChart::clearOverlays()
{
    for (QLineSeries *series : std::as_const(m_overlays)) {
        chart()->removeSeries(series);
        delete series;
    }
    m_overlays.clear();
    rescale();
}

void LossChart::setLogScale(bool logarithmic)
{
    if (logarithmic == m_logScale)
        return;
    m_logScale = logarithmic;
    attachLossAxis();
    rescale();
}

void LossChart::resetZoom()
{
    chart()->zoomReset();
    m_following = true;
    rescale();
}

bool LossChart::exportPng(const QString &path)
{
    return grab().save(path, "PNG");
}

int LossChart::trainingPoints() const
{
    return int(m_raw->count());
}

int LossChart::evaluationPoints() const
{
    return int(m_evaluations->count());
}

void LossChart::rescale()
{
    if (!m_following)
        return;
    double lastStep = 1;
    double low = std::numeric_limits<double>::max(), high = 0;
    QList<QXYSeries *> lossSeries = {m_raw, m_smoothed, m_evaluations};
    for (QLineSeries *overlay : std::as_const(m_overlays))
        lossSeries.append(overlay);
    for (const QXYSeries *series : lossSeries) {
        for (const QPointF &point : series->points()) {
            lastStep = std::max(lastStep, point.x());
            low = std::min(low, point.y());
            high = std::max(high, point.y());
        }
    }
    m_steps->setRange(0, lastStep);
    if (high <= 0) { // nothing yet
        low = m_logScale ? 0.1 : 0;
        high = m_logScale ? 10 : 1;
    }
    const double margin = (high - low) * 0.05 + 1e-9;
    m_lossAxis->setRange(m_logScale ? low / 1.1 : std::max(0.0, low - margin), m_logScale ? high * 1.1 : high + margin);
    double rateHigh = 0;
    for (const QPointF &point : m_learningRate->points())
        rateHigh = std::max(rateHigh, point.y());
    m_learningRateAxis->setRange(0, rateHigh > 0 ? rateHigh * 1.1 : 1);
    m_learningRateAxis->setVisible(rateHigh > 0);
}

void LossChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_panFrom = event->position().toPoint();
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void LossChart::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint to = event->position().toPoint();
        chart()->scroll(m_panFrom.x() - to.x(), to.y() - m_panFrom.y());
        m_panFrom = to;
        m_following = false;
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
}

void LossChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && event->button() == Qt::MiddleButton) {
        m_panning = false;
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event); // a rectangle zooms in, a right click zooms out
    m_following = !chart()->isZoomed();
}

void LossChart::wheelEvent(QWheelEvent *event)
{
    chart()->zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8);
    m_following = false;
    event->accept();
}

} // namespace mtm::ui
