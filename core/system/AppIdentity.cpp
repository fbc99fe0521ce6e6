#include "system/AppIdentity.h"

#include <QCoreApplication>

namespace mtm::core {

void setApplicationIdentity()
{
    // No organization: paths become ~/.config/model-training-manager and ~/.local/share/model-training-manager.
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationName(QStringLiteral("model-training-manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MTM_VERSION));
}

} // namespace mtm::core
