// Shows normalised records as people read them: conversations as system/user/assistant turns, texts and
// documents with their title and source.
#pragma once

#include <QJsonObject>
#include <QTextBrowser>
#include <QVector>

namespace mtm::ui {

class RecordPreview : public QTextBrowser
{
    Q_OBJECT
public:
    explicit RecordPreview(QWidget *parent = nullptr);

    // firstNumber: the 1-based number of records.front() in the dataset.
    void showRecords(const QVector<QJsonObject> &records, qint64 firstNumber);
};

} // namespace mtm::ui
