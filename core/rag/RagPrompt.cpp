#include "rag/RagPrompt.h"

namespace mtm::core {

QString ragPrompt(const QString &question, const QStringList &context)
{
    return QStringLiteral(
               "Based on the following context, answer the question.\n\nContext:\n%1\n\nQuestion: %2\n\nAnswer:")
        .arg(context.join(QStringLiteral("\n\n")), question);
}

} // namespace mtm::core
