#include "deploy/CodeSnippets.h"

#include <QCoreApplication>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(CodeSnippets)
};

} // namespace

QVector<CodeSnippet> codeSnippets(const SnippetTarget &target)
{
    const QString ollama = target.ollama.toString(QUrl::StripTrailingSlash);
    const QString model = target.ollamaModel;
    const QString lmStudio = target.lmStudio.toString(QUrl::StripTrailingSlash);
    const QString lmModel = target.lmStudioModel;
    QVector<CodeSnippet> snippets;
    snippets.append({Text::tr("curl — Ollama chat"), QStringLiteral("bash"),
                     QStringLiteral("curl %1/api/chat -d '{\n"
                                    "  \"model\": \"%2\",\n"
                                    "  \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}],\n"
                                    "  \"stream\": false\n"
                                    "}'\n")
                         .arg(ollama, model)});
    snippets.append({Text::tr("curl — Ollama generate"), QStringLiteral("bash"),
                     QStringLiteral("curl %1/api/generate -d '{\n"
                                    "  \"model\": \"%2\",\n"
                                    "  \"prompt\": \"Hello!\",\n"
                                    "  \"stream\": false\n"
                                    "}'\n")
                         .arg(ollama, model)});
    snippets.append({Text::tr("Python (requests) — Ollama chat"), QStringLiteral("python"),
                     QStringLiteral("import requests\n\n"
                                    "response = requests.post(\n"
                                    "    \"%1/api/chat\",\n"
                                    "    json={\n"
                                    "        \"model\": \"%2\",\n"
                                    "        \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}],\n"
                                    "        \"stream\": False,\n"
                                    "    },\n"
                                    "    timeout=300,\n"
                                    ")\n"
                                    "response.raise_for_status()\n"
                                    "print(response.json()[\"message\"][\"content\"])\n")
                         .arg(ollama, model)});
    snippets.append({Text::tr("Python (ollama library) — chat"), QStringLiteral("python"),
                     QStringLiteral("from ollama import Client\n\n"
                                    "client = Client(host=\"%1\")\n"
                                    "response = client.chat(model=\"%2\", messages=[{\"role\": \"user\", \"content\": "
                                    "\"Hello!\"}])\n"
                                    "print(response[\"message\"][\"content\"])\n")
                         .arg(ollama, model)});
    snippets.append({Text::tr("Python (openai library) — LM Studio"), QStringLiteral("python"),
                     QStringLiteral("from openai import OpenAI\n\n"
                                    "# LM Studio's server (Developer tab, Start Server) speaks the OpenAI API.\n"
                                    "client = OpenAI(base_url=\"%1\", api_key=\"lm-studio\")\n"
                                    "completion = client.chat.completions.create(\n"
                                    "    model=\"%2\",\n"
                                    "    messages=[{\"role\": \"user\", \"content\": \"Hello!\"}],\n"
                                    ")\n"
                                    "print(completion.choices[0].message.content)\n")
                         .arg(lmStudio, lmModel)});
    snippets.append({Text::tr("PHP 8 (cURL) — Ollama chat"), QStringLiteral("php"),
                     QStringLiteral("<?php\n"
                                    "$curl = curl_init('%1/api/chat');\n"
                                    "curl_setopt_array($curl, [\n"
                                    "    CURLOPT_POST => true,\n"
                                    "    CURLOPT_RETURNTRANSFER => true,\n"
                                    "    CURLOPT_HTTPHEADER => ['Content-Type: application/json'],\n"
                                    "    CURLOPT_POSTFIELDS => json_encode([\n"
                                    "        'model' => '%2',\n"
                                    "        'messages' => [['role' => 'user', 'content' => 'Hello!']],\n"
                                    "        'stream' => false,\n"
                                    "    ]),\n"
                                    "]);\n"
                                    "$response = curl_exec($curl);\n"
                                    "if ($response === false) {\n"
                                    "    throw new RuntimeException(curl_error($curl));\n"
                                    "}\n"
                                    "echo json_decode($response, true)['message']['content'], PHP_EOL;\n")
                         .arg(ollama, model)});
    snippets.append({Text::tr("curl — LM Studio (OpenAI-compatible)"), QStringLiteral("bash"),
                     QStringLiteral("curl %1/chat/completions -H 'Content-Type: application/json' -d '{\n"
                                    "  \"model\": \"%2\",\n"
                                    "  \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]\n"
                                    "}'\n")
                         .arg(lmStudio, lmModel)});
    return snippets;
}

} // namespace mtm::core
