#include "widgets/ModelChoice.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>

namespace mtm::ui {

void selectModel(QComboBox *list, const QString &model, int choosers)
{
    int index = list->findData(model);
    if (index < 0) {
        index = list->count() - choosers;
        const QString ollamaPrefix = QStringLiteral("ollama:");
        list->insertItem(
            index,
            model.startsWith(ollamaPrefix)
                ? QCoreApplication::translate("ModelChoice", "%1 (Ollama)").arg(model.mid(ollamaPrefix.size()))
                : QDir(model).dirName(),
            model);
    }
    list->setCurrentIndex(index);
}

} // namespace mtm::ui
