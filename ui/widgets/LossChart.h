// A job's loss as it trains: the training loss raw (thin) and smoothed (bold), the held-out loss as points and the
// learning rate on a second axis; the smoothed loss of other jobs overlaid on request. Zoom with a rectangle drawn
// with the mouse or the wheel, pan with the middle button, zoom out with a right click or resetZoom(); a
// logarithmic loss axis on request; export as PNG.
#pragma once

#include "jobs/JobCatalog.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace mtm::ui {

class LossChart : public QChartView
{
    Q_OBJECT
public:
    explicit LossChart(QWidget *parent = nullptr);

    // Replaces what is shown with a job's metrics.
    void setMetrics(const QVector<core::JobMetric> &metrics);
    // Adds one row as it arrives: a training step, or an evaluation.
    void addMetric(const core::JobMetric &metric);
    void setOverlay(const QString &name, const QVector<core::JobMetric> &metrics);
    void clearOverlays();
    void setLogScale(bool logarithmic);
    bool isLogScale() const { return m_logScale; }
    void resetZoom();
    bool exportPng(const QString &path);

    int trainingPoints() const;
    int evaluationPoints() const;

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    void appendTraining(const core::JobMetric &metric);
    void attachLossAxis();
    void rescale();

    QLineSeries *m_raw;
    QLineSeries *m_smoothed;
    QScatterSeries *m_evaluations;
    QLineSeries *m_learningRate;
    QValueAxis *m_steps;
    QAbstractAxis *m_lossAxis = nullptr;
    QValueAxis *m_learningRateAxis;
    QList<QLineSeries *> m_overlays;
    bool m_logScale = false;
    double m_average = 0; // the smoothed loss's running average, before bias correction
    int m_averaged = 0;
    QPoint m_panFrom;
    bool m_panning = false;
    bool m_following = true; // the axes follow the data until the user zooms or pans
};

} // namespace mtm::ui
