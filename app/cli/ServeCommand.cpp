#include "ServeCommand.h"

#include "AppCore.h"
#include "CtrlC.h"
#include "api/RestApi.h"
#include "jobs/JobQueue.h"
#include "settings/AppSettings.h"

#include <QCoreApplication>
#include <QTimer>

namespace mtm::cli {

ServeCommand::ServeCommand()
    : ParsedCommand(QStringLiteral("serve"), QStringLiteral("Serve the REST API (jobs, datasets) until Ctrl+C"))
{
    setDescription(QStringLiteral(
        "Runs the user guide's REST API at http://127.0.0.1:8000/api/v1/ until Ctrl+C: POST /jobs/ queues a job, "
        "GET /jobs/{id}/status follows it, GET /jobs/{id}/download gets its model; POST /datasets/ uploads a "
        "dataset. Jobs run in this process; Ctrl+C stops them at their next step (they end interrupted and "
        "continue from their last checkpoint when resumed). GET /api/v1/openapi.json describes it all; docs/api.md "
        "too. Another --host than this computer's needs a token: requests from other computers must send "
        "Authorization: Bearer <token>."));
    addOptions({m_host, m_port, m_token});
}

int ServeCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    bool ok = false;
    const uint port = parser.value(m_port).toUInt(&ok);
    if (!ok || port > 65535)
        return usageError(QStringLiteral("--port takes a port number from 0 to 65535."), context);
    core::RestApiOptions options;
    options.address = QHostAddress(parser.value(m_host));
    if (options.address.isNull())
        return usageError(QStringLiteral("--host takes an IP address, such as 127.0.0.1."), context);
    options.port = quint16(port);
    options.token = parser.isSet(m_token)                        ? parser.value(m_token)
                    : qEnvironmentVariableIsSet("MTM_API_TOKEN") ? qEnvironmentVariable("MTM_API_TOKEN")
                                                                 : context.core().settings().apiToken();
    core::AppCore &core = context.core();
    core::RestApi api(core);
    const quint16 listening = api.start(options);
    core.queue().start();
    const QString host = options.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(options.address.toString())
                             : options.address.toString();
    context.out << "Serving the REST API at http://" << host << ':' << listening << "/api/v1/ (Ctrl+C stops it)."
                << Qt::endl;
    if (!options.address.isLoopback())
        context.out << "Requests from other computers must send Authorization: Bearer <token> (mtm serve --token, "
                       "MTM_API_TOKEN, or the token Settings shows)."
                    << Qt::endl;
    QObject::connect(&core.queue(), &core::JobQueue::logged, [&context](qint64 id, const QString &message) {
        context.out << "Job " << id << ": " << message << Qt::endl;
    });
    CtrlC ctrlC;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&core] {
        if (!CtrlC::pressed())
            return;
        core.queue().interruptAll();
        if (core.queue().runningHere() == 0)
            QCoreApplication::quit();
    });
    poll.start(100);
    QCoreApplication::exec();
    api.stop();
    context.out << "Stopped.\n";
    return Success;
}

} // namespace mtm::cli
