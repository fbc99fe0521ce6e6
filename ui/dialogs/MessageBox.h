// The app's message boxes, in one place that tests can answer: setNextAnswer() makes the next box return that
// button at once, without showing it, and remembers what the box said.
#pragma once

#include <QMap>
#include <QMessageBox>
#include <QString>

#include <optional>

namespace mtm::ui {

class MessageBox
{
public:
    // Shows a box with these buttons (texts other than the standard ones in `texts`) and returns the one pressed.
    static QMessageBox::StandardButton ask(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                                           const QString &text, QMessageBox::StandardButtons buttons,
                                           QMessageBox::StandardButton defaultButton,
                                           const QMap<QMessageBox::StandardButton, QString> &texts = {});
    static void information(QWidget *parent, const QString &title, const QString &text);
    static void warning(QWidget *parent, const QString &title, const QString &text);
    static void critical(QWidget *parent, const QString &title, const QString &text);

    // For tests: the next box returns `answer` without being shown.
    static void setNextAnswer(QMessageBox::StandardButton answer);
    // For tests: the text of the last box answered by setNextAnswer().
    static QString lastAnsweredText();

private:
    static std::optional<QMessageBox::StandardButton> s_nextAnswer;
    static QString s_lastAnsweredText;
};

} // namespace mtm::ui
