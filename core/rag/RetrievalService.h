// The retrieval service the user guide's PHP client calls, for one RAG job's index: POST /retrieve with
// {"query": "...", "top_k": 3} answers {"documents": [...], "scores": [...], "sources": [...]} (documents and
// scores as the guide reads them, best first; sources: each chunk's record, from 0, and part). GET /health
// answers {"status": "ok", "chunks": N}. On 127.0.0.1:8001 unless told otherwise, on a thread of its own. A body
// that is not JSON gets 400 saying where it breaks; wrong fields 422 naming them; bodies are at most 64 KiB.
#pragma once

#include "http/HttpService.h"

#include <QHostAddress>

#include <memory>

namespace mtm::core {

class RagModel;

class RetrievalService
{
public:
    static constexpr quint16 kDefaultPort = 8001;

    explicit RetrievalService(std::shared_ptr<const RagModel> model); // stopped when it goes

    // Listens; returns the port. Throws Error (Io) when it cannot (the port taken: says so).
    quint16 start(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = kDefaultPort);
    void stop();
    bool isRunning() const { return m_service.isRunning(); }

    // The answer to one request.
    static HttpResponse answer(const RagModel &model, const HttpRequest &request);

private:
    HttpService m_service;
};

} // namespace mtm::core
