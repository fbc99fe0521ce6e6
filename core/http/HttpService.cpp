#include "http/HttpService.h"

#include "Error.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(HttpService)
};

} // namespace

HttpService::HttpService(QString name, HttpServer::Handler handler, HttpLimits limits)
    : m_name(std::move(name))
    , m_handler(std::move(handler))
    , m_limits(std::move(limits))
{}

HttpService::~HttpService()
{
    stop();
}

quint16 HttpService::start(const QHostAddress &address, quint16 port)
{
    stop();
    auto *thread = new QThread;
    thread->setObjectName(m_name);
    auto *server = new HttpServer(m_handler, m_limits);
    server->moveToThread(thread);
    QObject::connect(thread, &QThread::finished, server, &QObject::deleteLater);
    thread->start();
    bool listening = false;
    QString why;
    quint16 chosen = 0;
    QMetaObject::invokeMethod(
        server,
        [&] {
            listening = server->listen(address, port);
            why = server->errorString();
            chosen = server->port();
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        thread->quit();
        thread->wait();
        delete thread;
        throw Error(Error::Kind::Io,
                    Text::tr("%1 cannot listen on %2:%3: %4").arg(m_name, address.toString()).arg(port).arg(why));
    }
    m_thread = thread;
    return chosen;
}

void HttpService::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    // A request may be waiting on this thread (the REST API makes its changes on the core's): its events are
    // served meanwhile, or the two would wait for each other.
    while (!m_thread->wait(QDeadlineTimer(20)))
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    delete m_thread;
    m_thread = nullptr;
}

} // namespace mtm::core
