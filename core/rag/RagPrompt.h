// The prompt that grounds an answer in retrieved chunks, as the user guide's clients write it: "Based on the
// following context, answer the question." then the chunks, then the question.
#pragma once

#include <QString>
#include <QStringList>

namespace mtm::core {

QString ragPrompt(const QString &question, const QStringList &context);

} // namespace mtm::core
