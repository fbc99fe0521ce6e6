#include "Translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace mtm::ui {

bool installTranslations(QCoreApplication &app)
{
    auto *translator = new QTranslator(&app);
    const QString directory = QStringLiteral(":/i18n");
    const QString name = QStringLiteral("model-training-manager");
    if (translator->load(QLocale(), name, QStringLiteral("_"), directory) ||
        translator->load(name + QStringLiteral("_en"), directory))
        return QCoreApplication::installTranslator(translator);
    delete translator;
    return false;
}

} // namespace mtm::ui
