// Deploy to Ollama: a completed job's model created in a running Ollama server over its REST API, then asked a
// test question, with the engine's answer to the same question beside Ollama's. The steps: the server is
// checked (is it there, is it new enough to create models from uploaded files), the GGUF files and the
// Modelfile written (OllamaFiles), each file uploaded unless the server has it already, the model created from
// them as the Modelfile says (its template, stop markers, parameters, system message), and the test question asked of
// both.
#pragma once

#include "Progress.h"
#include "deploy/OllamaFiles.h"

#include <QString>
#include <QUrl>

#include <functional>

namespace mtm::core {

struct JobInfo;

struct OllamaDeployRequest
{
    QUrl server;  // ollamaServer()
    QString name; // the model's name in Ollama ("support-bot"); empty: deploymentName(job)
    OllamaFilesRequest files;
    QString question = QStringLiteral("Say hello in one short sentence.");
    int answerTokens = 48; // the longest test answer, in tokens
    int timeoutMs = 30000; // how long the server may be silent
};

struct OllamaDeployResult
{
    QString model; // as created
    QString serverVersion;
    OllamaFiles files;
    QStringList uploaded; // the files sent; the others the server had already
    QString ollamaAnswer; // Ollama's answer to the question
    QString engineAnswer; // the engine's, with the same greedy settings
};

// The oldest Ollama that creates models from uploaded files (/api/create with "files"): 0.5.5.
bool ollamaVersionIsRecentEnough(const QString &version);

// progress(done, total) in thousandths of the whole; onStep(text) says which step is running. Throws Error: Io
// for a server that is down, stalls or fails; Conflict for one too old; InvalidInput for what it refuses (a
// refused ADAPTER model says so: deploy the merged route instead); Cancelled; and what the export throws.
OllamaDeployResult deployToOllama(const JobInfo &job, const OllamaDeployRequest &request, const Progress &progress,
                                  const std::function<void(const QString &step)> &onStep = {});

} // namespace mtm::core
