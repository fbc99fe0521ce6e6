// Code that calls a deployed model, as the user guide shows it — curl, Python (requests, the ollama and openai
// libraries) and PHP 8 (cURL) — for Ollama's generate and chat endpoints and LM Studio's OpenAI-compatible one,
// filled in with the model's name and the servers' addresses, ready to copy.
#pragma once

#include <QString>
#include <QUrl>
#include <QVector>

namespace mtm::core {

struct CodeSnippet
{
    QString title;    // "Python (requests) — Ollama chat"
    QString language; // "bash", "python", "php"
    QString code;
};

struct SnippetTarget
{
    QUrl ollama;                                                      // the Ollama server
    QString ollamaModel;                                              // the model's name there
    QUrl lmStudio = QUrl(QStringLiteral("http://localhost:1234/v1")); // LM Studio's OpenAI-compatible server
    QString lmStudioModel; // the model's identifier there ("starter-model-lora")
};

QVector<CodeSnippet> codeSnippets(const SnippetTarget &target);

} // namespace mtm::core
