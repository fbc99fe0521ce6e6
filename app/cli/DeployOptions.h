// The options the deploy commands share — which job, which GGUF type, the files Ollama is given — and the request
// for those files that they make.
#pragma once

#include "deploy/OllamaFiles.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace mtm::cli {

QCommandLineOption jobOption();
QCommandLineOption ggufTypeOption(); // default q4_k_m

// --adapter-route, --base NAME, --system TEXT and --modelfile FILE: what goes into the Ollama model's files.
struct OllamaFilesOptions
{
    QCommandLineOption adapterRoute{QStringLiteral("adapter-route"),
                                    QStringLiteral("The base model and the LoRA adapter as two files (ADAPTER) "
                                                   "instead of one merged model.")};
    QCommandLineOption base{QStringLiteral("base"),
                            QStringLiteral("With --adapter-route: the Ollama model the base is (for example "
                                           "llama3.2:1b), instead of exporting it."),
                            QStringLiteral("NAME")};
    QCommandLineOption system{QStringLiteral("system"), QStringLiteral("A system message (SYSTEM)."),
                              QStringLiteral("TEXT")};
    QCommandLineOption modelfile{QStringLiteral("modelfile"),
                                 QStringLiteral("Your own Modelfile (one `mtm deploy modelfile` wrote, edited): its "
                                                "FROM and ADAPTER name the files written, the rest is yours."),
                                 QStringLiteral("FILE")};

    QList<QCommandLineOption> all() const { return {adapterRoute, base, system, modelfile}; }
    // Empty when the options go together; else what is wrong.
    QString problem(const QCommandLineParser &parser) const;
    // Throws core::Error for a --modelfile that cannot be read.
    core::OllamaFilesRequest request(const QCommandLineParser &parser, const QString &folder,
                                     const QString &type) const;
};

} // namespace mtm::cli
