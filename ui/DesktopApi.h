// The REST API inside the desktop app (core/api/RestApi): it serves the window's own core, so that jobs made
// through it go through the window's queue and appear in the window at once. On by default at 127.0.0.1:8000;
// Settings can turn it off, change its port, or open it to other computers (which must then send the token).
#pragma once

#include "api/RestApi.h"

#include <QCoreApplication>
#include <QString>

namespace mtm::core {
class AppCore;
} // namespace mtm::core

namespace mtm::ui {

class DesktopApi
{
    Q_DECLARE_TR_FUNCTIONS(DesktopApi)
public:
    struct State
    {
        bool shown = false;   // off by the user's choice: nothing to show
        bool working = false; // listening
        QString text;         // a few words for the status bar
        QString detail;       // the whole story, for its tooltip
    };

    explicit DesktopApi(core::AppCore &core);

    // Starts, restarts or stops the API as the settings now say; a failure (the port in use) is said, not thrown.
    State apply();

private:
    core::AppCore &m_core;
    core::RestApi m_api;
};

} // namespace mtm::ui
