// The user guide's local REST API over the app's core, for scripts and other programs: jobs (create, list, show,
// status, metrics, cancel, resume, delete, download) and datasets (upload, list, show, delete) under /api/v1/,
// with /api/v1/health and /api/v1/openapi.json. The desktop app and `mtm serve` run it on 127.0.0.1:8000 by
// default; what it does goes through the same core and queue as the window, so each sees the other's jobs at once.
//
// Secure by default: on a loopback address it answers loopback Host names only (DNS rebinding); on another
// address, requests from other computers need `Authorization: Bearer <token>` (401); requests a browser sends
// from another site are refused (403: Origin or Sec-Fetch-Site), and no CORS header is ever sent; JSON bodies are
// at most 64 KiB and uploads are written to a temporary file that becomes a dataset only once it is checked; ids
// are whole numbers (400 otherwise) and no path is built from what a request says; error bodies carry no paths of
// this computer.
#pragma once

#include "http/HttpService.h"

#include <QHash>
#include <QMutex>
#include <QObject>

#include <memory>

namespace mtm::engine {
struct TrainingProgress;
}

namespace mtm::core {

class AppCore;

struct RestApiOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8000;
    QString token;                           // needed from other computers; empty: they are refused
    qint64 maxUploadBytes = qint64(8) << 30; // 8 GiB

    bool operator==(const RestApiOptions &other) const
    {
        return address == other.address && port == other.port && token == other.token &&
               maxUploadBytes == other.maxUploadBytes;
    }
    bool operator!=(const RestApiOptions &other) const { return !(*this == other); }
};

class RestApi
{
public:
    static constexpr quint16 kDefaultPort = 8000;

    // The core must outlive it; its queue lives on the calling thread, where the API's changes are made.
    explicit RestApi(AppCore &core);
    ~RestApi(); // stops it

    // Listens; returns the port. Throws Error (Io) when it cannot.
    quint16 start(const RestApiOptions &options);
    void stop();
    bool isRunning() const;
    // What it was last started with.
    const RestApiOptions &options() const;

    // The answer to one request (on the server's thread).
    HttpResponse answer(const HttpRequest &request);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace mtm::core
