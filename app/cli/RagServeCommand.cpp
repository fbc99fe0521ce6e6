#include "RagServeCommand.h"

#include "AppCore.h"
#include "CtrlC.h"
#include "jobs/JobCatalog.h"
#include "rag/RagModel.h"
#include "rag/RetrievalService.h"

#include <QCoreApplication>
#include <QTimer>

namespace mtm::cli {

RagServeCommand::RagServeCommand()
    : ParsedCommand(QStringLiteral("serve"), QStringLiteral("Serve a RAG job's index to other programs"))
{
    setDescription(QStringLiteral(
        "Runs the retrieval service of the user guide for the completed RAG job until Ctrl+C: POST /retrieve with "
        "{\"query\": \"...\", \"top_k\": 3} answers {\"documents\": [...], \"scores\": [...], \"sources\": [...]}; "
        "GET /health answers {\"status\": \"ok\"}. It listens on this computer only unless --host says otherwise."));
    addOptions({m_job, m_host, m_port});
}

int RagServeCommand::execute(const QCommandLineParser &parser, CliContext &context)
{
    const auto id = jobId(parser, m_job, context);
    if (!id)
        return UsageError;
    bool ok = false;
    const uint port = parser.value(m_port).toUInt(&ok);
    if (!ok || port > 65535)
        return usageError(QStringLiteral("--port takes a port number from 0 to 65535."), context);
    const QHostAddress address(parser.value(m_host));
    if (address.isNull())
        return usageError(QStringLiteral("--host takes an IP address, such as 127.0.0.1."), context);
    core::RetrievalService service(core::RagModel::ofJob(context.core().jobs().require(*id)));
    const quint16 listening = service.start(address, quint16(port));
    context.out << "Serving job " << *id << "'s index at http://"
                << (address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]") : QStringLiteral("%1"))
                       .arg(address.toString())
                << ':' << listening << "/retrieve (Ctrl+C stops it)." << Qt::endl;
    CtrlC ctrlC;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [] {
        if (CtrlC::pressed())
            QCoreApplication::quit();
    });
    poll.start(100);
    QCoreApplication::exec();
    context.out << "Stopped.\n";
    return Success;
}

} // namespace mtm::cli
