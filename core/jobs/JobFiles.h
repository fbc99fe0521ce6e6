// The files a job keeps in its folder beside its output, for people and other programs: job.json (its settings,
// with the REST API's field names), training_log.jsonl (every step, evaluation and message, one JSON object a
// line) and loss.csv (step, epoch, loss, eval_loss, learning_rate).
#pragma once

#include <QDateTime>
#include <QFile>
#include <QString>

namespace mtm::core {

struct JobMetric;
struct TrainingRequest;

class JobFiles
{
public:
    explicit JobFiles(QString folder);

    // Creates the folder if needed and writes job.json whole or not at all. Throws Error.
    void writeSettings(const TrainingRequest &request) const;

    // Append to training_log.jsonl and loss.csv (opened on first use, kept across runs of the job); flush()
    // writes what is buffered. Throw Error when a file cannot be written.
    void append(const JobMetric &metric, const QDateTime &time);
    void append(const QString &message, const QDateTime &time);
    void flush();

private:
    void open();

    QString m_folder;
    QFile m_log;
    QFile m_losses;
};

} // namespace mtm::core
