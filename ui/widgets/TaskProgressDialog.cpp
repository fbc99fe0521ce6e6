#include "widgets/TaskProgressDialog.h"

#include "BackgroundTask.h"
#include "TimeLeft.h"

#include <QTimer>

namespace mtm::ui {

TaskProgressDialog::TaskProgressDialog(const QString &title, const QString &label,
                                       std::shared_ptr<TaskProgress> progress, QWidget *parent)
    : QProgressDialog(label, tr("Cancel"), 0, 1000, parent)
    , m_progress(std::move(progress))
    , m_label(label)
{
    setWindowTitle(title);
    setWindowModality(Qt::WindowModal);
    setMinimumDuration(500);
    setAutoClose(false);
    setAutoReset(false);
    connect(this, &QProgressDialog::canceled, this, [progress = m_progress] { progress->cancel(); });
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &TaskProgressDialog::update);
    m_elapsed.start();
    timer->start(100);
}

void TaskProgressDialog::setLabel(const QString &label)
{
    m_label = label;
    update();
}

void TaskProgressDialog::update()
{
    setValue(int(m_progress->fraction() * 1000));
    const QString left = timeLeft(m_elapsed.elapsed(), m_progress->fraction());
    setLabelText(left.isEmpty() ? m_label : tr("%1 — %2").arg(m_label, left));
}

} // namespace mtm::ui
