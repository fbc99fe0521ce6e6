// The progress dialog of work run in the background (BackgroundTask): window-modal, shown only when the work
// takes more than half a second, with the share done, the time left and a Cancel button that asks the work to
// stop. It follows the work's TaskProgress ten times a second; the caller deletes it when the work has ended.
#pragma once

#include <QElapsedTimer>
#include <QProgressDialog>

#include <memory>

namespace mtm::ui {

class TaskProgress;

class TaskProgressDialog : public QProgressDialog
{
    Q_OBJECT
public:
    // label: what is being done ("Exporting Customer FAQ…"); the time left is added to it as it becomes known.
    TaskProgressDialog(const QString &title, const QString &label, std::shared_ptr<TaskProgress> progress,
                       QWidget *parent);

    // A new step of the work ("Uploading model-q4_k_m.gguf…").
    void setLabel(const QString &label);

private:
    void update();

    std::shared_ptr<TaskProgress> m_progress;
    QString m_label;
    QElapsedTimer m_elapsed;
};

} // namespace mtm::ui
