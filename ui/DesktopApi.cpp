#include "DesktopApi.h"

#include "AppCore.h"
#include "Error.h"
#include "settings/AppSettings.h"

namespace mtm::ui {

DesktopApi::DesktopApi(core::AppCore &core)
    : m_core(core)
    , m_api(core)
{}

DesktopApi::State DesktopApi::apply()
{
    core::AppSettings &settings = m_core.settings();
    if (!settings.apiEnabled()) {
        m_api.stop();
        return {};
    }
    core::RestApiOptions wanted;
    wanted.port = settings.apiPort();
    wanted.address = settings.apiAcceptsRemote() ? QHostAddress(QHostAddress::Any) : QHostAddress::LocalHost;
    wanted.token = settings.apiToken();
    if (!m_api.isRunning() || m_api.options() != wanted) {
        try {
            m_api.start(wanted);
        } catch (const core::Error &error) {
            m_api.stop();
            return {true, false, tr("API: not running"),
                    tr("%1\nChoose another port in Settings, or turn the API off there.").arg(error.message())};
        }
    }
    if (wanted.address.isLoopback())
        return {true, true, tr("API: 127.0.0.1:%1").arg(wanted.port),
                tr("The REST API serves scripts on this computer at http://127.0.0.1:%1/api/v1/ (docs/api.md).")
                    .arg(wanted.port)};
    return {true, true, tr("API: port %1, all networks").arg(wanted.port),
            tr("The REST API listens on port %1 of every network of this computer. Requests from other computers "
               "must send the token Settings shows (Authorization: Bearer <token>).")
                .arg(wanted.port)};
}

} // namespace mtm::ui
