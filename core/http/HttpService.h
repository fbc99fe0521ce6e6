// An HttpServer on a thread of its own, started and stopped from another (the window's, or a command's): what the
// retrieval service and the REST API run on.
#pragma once

#include "http/HttpServer.h"

#include <QHostAddress>
#include <QString>

class QThread;

namespace mtm::core {

class HttpService
{
public:
    // name: what the service is called in messages ("the retrieval service").
    HttpService(QString name, HttpServer::Handler handler, HttpLimits limits);
    ~HttpService(); // stops it
    HttpService(const HttpService &) = delete;
    HttpService &operator=(const HttpService &) = delete;

    // Listens; returns the port (the system's choice for 0). Throws Error (Io) when it cannot, saying why (the
    // port taken).
    quint16 start(const QHostAddress &address, quint16 port);
    // Stops listening and waits for the thread; work under way is waited for.
    void stop();
    bool isRunning() const { return m_thread != nullptr; }

private:
    QString m_name;
    HttpServer::Handler m_handler;
    HttpLimits m_limits;
    QThread *m_thread = nullptr;
};

} // namespace mtm::core
