#include "deploy/OllamaRecipe.h"

#include "EngineCall.h"
#include "Error.h"
#include "deploy/DeployableForms.h"
#include "engine/chat/ChatTemplate.h"
#include "engine/model/GenerationConfig.h"
#include "engine/model/ModelConfig.h"
#include "engine/tokenizer/Tokenizer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "jobs/JobInfo.h"
#include "model/ModelFolder.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OllamaRecipe)
};

// A value in a Modelfile's """…""" quotes, which cannot hold three quotes in a row.
QString tripleQuoted(const QString &value, const QString &what)
{
    if (value.contains(QStringLiteral("\"\"\"")))
        throw Error(
            Error::Kind::InvalidInput,
            Text::tr("The %1 holds three quotation marks in a row (\"\"\"), which a Modelfile cannot hold.").arg(what));
    return QStringLiteral("\"\"\"") + value + QStringLiteral("\"\"\"");
}

} // namespace

OllamaRecipe ollamaRecipeFor(const QString &modelFolder, const QString &chatFormat, int trainedLength)
{
    // An adapter folder carries its tokenizer files; its settings (config.json, generation_config.json) are its base's.
    const QString settingsFolder = baseModelFolderOf(modelFolder);
    const QString tokenizerFolder =
        QFileInfo::exists(modelFolder + QStringLiteral("/tokenizer.json")) ? modelFolder : settingsFolder;
    std::optional<engine::ChatFormat> format;
    if (!chatFormat.isEmpty()) {
        format = engine::ChatTemplate::formatFromId(chatFormat.toStdString());
        if (!format)
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("Unknown chat format \"%1\" (use llama3, llama31, chatml, mistral, gemma, phi3 or "
                                 "alpaca).")
                            .arg(chatFormat));
    }
    OllamaRecipe recipe;
    recipe.trainedLength = trainedLength;
    callEngine([&] {
        const auto tokenizer = engine::loadTokenizer(tokenizerFolder.toStdString());
        const engine::ChatTemplate chat = engine::ChatTemplate::forTokenizer(*tokenizer, format);
        recipe.chatFormat = QString::fromStdString(engine::ChatTemplate::formatId(chat.format()));
        recipe.templateText = QString::fromStdString(chat.ollamaTemplate(tokenizer->settings().addBos));
        for (const std::string &stop : chat.stopTokens()) {
            const QString text = QString::fromStdString(stop);
            if (!text.isEmpty() && !recipe.stops.contains(text))
                recipe.stops << text;
        }
        const std::string settings = settingsFolder.toStdString();
        const QString generationFile = settingsFolder + QStringLiteral("/generation_config.json");
        if (QFileInfo::exists(generationFile)) {
            const auto generation = engine::GenerationConfig::fromFile(generationFile.toStdString());
            recipe.temperature = generation.temperature;
            recipe.topP = generation.topP;
            recipe.fromGenerationConfig = true;
        }
        const auto config = engine::ModelConfig::fromFile(settings + "/config.json");
        recipe.contextLength = int(std::min<std::int64_t>(config.maxPositions, std::max(2048, trainedLength)));
    });
    return recipe;
}

OllamaRecipe ollamaRecipeFor(const JobInfo &job)
{
    return ollamaRecipeFor(deployableModelFolder(job), job.request.chatFormatId(),
                           int(job.request.settings.maxSequenceLength));
}

QString modelfileText(const OllamaRecipe &recipe)
{
    QString text =
        Text::tr("# A Modelfile for Ollama, written by Model Training Manager. Each line says why it is here.\n");
    // Each reason as comment lines of at most about 100 characters, then the instruction.
    const auto section = [&](const QString &why, const QString &lines) {
        QString comment = QStringLiteral("\n#");
        int width = 1;
        for (const QString &word : why.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (width > 1 && width + 1 + word.size() > 100) {
                comment += QStringLiteral("\n#");
                width = 1;
            }
            comment += QLatin1Char(' ') + word;
            width += 1 + int(word.size());
        }
        text += comment + QLatin1Char('\n') + lines + QLatin1Char('\n');
    };
    section(recipe.fromWhy.isEmpty() ? Text::tr("The model.") : recipe.fromWhy, QStringLiteral("FROM ") + recipe.from);
    if (!recipe.adapter.isEmpty())
        section(Text::tr("The fine-tuned LoRA adapter, applied to FROM (its base model) when the model runs."),
                QStringLiteral("ADAPTER ") + recipe.adapter);
    section(Text::tr("The %1 chat format the model was trained with, in Ollama's template language. Without it "
                     "Ollama guesses a template from the file, and a wrong guess makes the model babble.")
                .arg(recipe.chatFormat),
            QStringLiteral("TEMPLATE ") + tripleQuoted(recipe.templateText, Text::tr("template")));
    QStringList stops;
    for (const QString &stop : recipe.stops) {
        if (stop.contains(QLatin1Char('"')))
            throw Error(
                Error::Kind::InvalidInput,
                Text::tr("The stop marker %1 holds a quotation mark, which a Modelfile cannot hold.").arg(stop));
        stops << QStringLiteral("PARAMETER stop \"") + stop + QLatin1Char('"');
    }
    if (!stops.isEmpty())
        section(Text::tr("Where a reply ends in this format: Ollama stops generating at each of these."),
                stops.join(QLatin1Char('\n')));
    section(recipe.fromGenerationConfig ? Text::tr("How freely it samples: the model's own defaults "
                                                   "(generation_config.json).")
                                        : Text::tr("How freely it samples (the model has no defaults of its own)."),
            QStringLiteral("PARAMETER temperature %1\nPARAMETER top_p %2")
                .arg(QString::number(recipe.temperature), QString::number(recipe.topP)));
    section(recipe.trainedLength > 0
                ? Text::tr("Room for a conversation, in tokens (trained on up to %1 tokens at a time; more room takes "
                           "more memory).")
                      .arg(recipe.trainedLength)
                : Text::tr("Room for a conversation, in tokens (more room takes more memory)."),
            QStringLiteral("PARAMETER num_ctx %1").arg(recipe.contextLength));
    if (!recipe.system.isEmpty())
        section(Text::tr("The system message every conversation starts with."),
                QStringLiteral("SYSTEM ") + tripleQuoted(recipe.system, Text::tr("system message")));
    return text;
}

} // namespace mtm::core
