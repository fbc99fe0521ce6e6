#include "model/LanguageModel.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/DeviceChoice.h"
#include "engine/chat/ChatEncoding.h"
#include "engine/evaluate/Perplexity.h"
#include "engine/generate/Generator.h"
#include "engine/model/Checkpoint.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/Lora.h"
#include "model/ModelFolder.h"

#include <torch/types.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(LanguageModel)
};

} // namespace

struct LanguageModel::Impl
{
    std::shared_ptr<engine::Transformer> model;
    std::shared_ptr<const engine::Tokenizer> engineTokenizer;
    std::unique_ptr<TextTokenizer> tokenizer;
    engine::GenerationConfig generation;
    std::unique_ptr<engine::ChatTemplate> chat;
    QString adapterName; // the LoRA adapter applied, if any
    torch::Dtype dtype = torch::kFloat32;
    torch::Device device = torch::kCPU;

    GenerationOutcome run(const std::vector<std::int32_t> &prompt, std::vector<std::int32_t> stops,
                          const GenerationSettings &settings, const TextCallback &onText)
    {
        engine::GenerationOptions options;
        options.sampling = {settings.temperature, settings.topK, settings.topP, settings.repetitionPenalty,
                            settings.seed};
        options.maxNewTokens = settings.maxNewTokens;
        for (const std::int64_t id : generation.eosTokenIds)
            stops.push_back(static_cast<std::int32_t>(id));
        if (engineTokenizer->settings().eos)
            stops.push_back(*engineTokenizer->settings().eos);
        options.stopTokens = stops;
        engine::StreamingDecoder decoder(*engineTokenizer);
        GenerationOutcome outcome;
        const engine::GenerationResult result = engine::generate(*model, prompt, options, [&](std::int32_t token) {
            const QString piece = QString::fromStdString(decoder.push(token));
            outcome.text += piece;
            return piece.isEmpty() || !onText || onText(piece);
        });
        const QString rest = QString::fromStdString(decoder.finish());
        outcome.text += rest;
        if (!rest.isEmpty() && onText)
            onText(rest);
        outcome.promptTokens = int(prompt.size());
        outcome.generatedTokens = int(result.tokens.size());
        outcome.prefillSeconds = result.prefillSeconds;
        outcome.decodeSeconds = result.decodeSeconds;
        switch (result.reason) {
        case engine::GenerationResult::StopReason::StopToken:
            outcome.stopReason = QStringLiteral("stop token");
            break;
        case engine::GenerationResult::StopReason::MaxTokens:
            outcome.stopReason = QStringLiteral("token limit");
            break;
        case engine::GenerationResult::StopReason::ContextFull:
            outcome.stopReason = QStringLiteral("context full");
            break;
        }
        return outcome;
    }
};

LanguageModel::LanguageModel(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{}

LanguageModel::~LanguageModel() = default;

std::unique_ptr<LanguageModel> LanguageModel::open(const QString &folder, const Options &options)
{
    const bool gguf = folder.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) && QFileInfo(folder).isFile();
    if (!QFileInfo(folder).isDir() && !gguf)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is not a model folder (a folder with config.json, model.safetensors and "
                             "tokenizer.json), a LoRA adapter folder (adapter_config.json) nor a GGUF file.")
                        .arg(folder));
    // An adapter folder stands for its base model with the adapter applied.
    const QString adapter = !options.adapter.isEmpty() ? options.adapter : isAdapterFolder(folder) ? folder : QString();
    const QString base = options.adapter.isEmpty() && !adapter.isEmpty() ? adapterBaseFolder(adapter) : folder;
    auto impl = std::make_unique<Impl>();
    callEngine([&] {
        impl->device = engine::resolveDevice(options.device.toStdString());
        impl->dtype = options.dtype == QLatin1String("auto")
                          ? (impl->device.is_cuda() ? torch::kBFloat16 : torch::kFloat32)
                          : engine::dtypeFromName(options.dtype.toStdString());
        const std::string path = base.toStdString();
        impl->model = engine::loadTransformer(path, impl->dtype, impl->device);
        if (!adapter.isEmpty()) {
            // Folded into the weights: generation runs as fast as with the base alone.
            engine::loadLoraAdapter(*impl->model, adapter.toStdString());
            engine::mergeLora(*impl->model);
            impl->adapterName = QFileInfo(adapter).fileName();
        }
        impl->engineTokenizer = engine::loadTokenizer(path);
        impl->tokenizer = std::make_unique<TextTokenizer>(impl->engineTokenizer);
        impl->generation = engine::GenerationConfig::fromFile(path + "/generation_config.json");
        std::optional<engine::ChatFormat> format;
        if (!options.chatFormat.isEmpty()) {
            format = engine::ChatTemplate::formatFromId(options.chatFormat.toStdString());
            if (!format)
                throw Error(Error::Kind::InvalidInput,
                            Text::tr("Unknown chat format \"%1\" (use llama3, llama31, chatml, mistral, gemma, "
                                     "phi3 or alpaca).")
                                .arg(options.chatFormat));
        }
        impl->chat =
            std::make_unique<engine::ChatTemplate>(engine::ChatTemplate::forTokenizer(*impl->engineTokenizer, format));
        if (impl->engineTokenizer->vocabularySize() > impl->model->config().vocabSize)
            throw Error(Error::Kind::InvalidInput, Text::tr("The tokenizer of %1 has %2 tokens but the model only %3.")
                                                       .arg(base)
                                                       .arg(impl->engineTokenizer->vocabularySize())
                                                       .arg(impl->model->config().vocabSize));
    });
    return std::unique_ptr<LanguageModel>(new LanguageModel(std::move(impl)));
}

QString LanguageModel::summary() const
{
    const engine::ModelConfig &config = d->model->config();
    QString text = QStringLiteral("%1, %2 M parameters, %3 on %4, chat format %5")
                       .arg(QString::fromStdString(config.modelType()))
                       .arg(double(config.parameterCount()) / 1e6, 0, 'f', 1)
                       .arg(QString::fromStdString(engine::dtypeName(d->dtype)))
                       .arg(d->device.is_cuda() ? QStringLiteral("CUDA") : QStringLiteral("CPU"))
                       .arg(QString::fromStdString(engine::ChatTemplate::formatId(d->chat->format())));
    if (!d->adapterName.isEmpty())
        text += Text::tr(", with the LoRA adapter %1").arg(d->adapterName);
    return text;
}

const TextTokenizer &LanguageModel::tokenizer() const
{
    return *d->tokenizer;
}

GenerationOutcome LanguageModel::complete(const QString &prompt, const GenerationSettings &settings,
                                          const TextCallback &onText)
{
    return callEngine([&] { return d->run(d->tokenizer->encode(prompt, true, false), {}, settings, onText); });
}

GenerationOutcome LanguageModel::chat(const QVector<QPair<QString, QString>> &messages,
                                      const GenerationSettings &settings, const TextCallback &onText)
{
    return callEngine([&] {
        std::vector<engine::ChatMessage> conversation;
        for (const auto &[role, content] : messages)
            conversation.push_back({role.toStdString(), content.toStdString()});
        const engine::EncodedChat encoded = engine::encodeChat(*d->engineTokenizer, *d->chat, conversation, true);
        std::vector<std::int32_t> stops;
        for (const std::string &stop : d->chat->stopTokens())
            if (const auto id = d->engineTokenizer->idOf(stop))
                stops.push_back(*id);
        return d->run(encoded.ids, stops, settings, onText);
    });
}

PerplexityOutcome LanguageModel::perplexity(const QString &text, int window, const Progress &progress)
{
    return callEngine([&] {
        const engine::PerplexityResult result = engine::perplexity(
            *d->model, d->tokenizer->encode(text, false, false), window,
            d->engineTokenizer->settings().addBos ? d->engineTokenizer->settings().bos : std::nullopt, progress);
        return PerplexityOutcome{result.meanNegativeLogLikelihood, result.perplexity, result.scoredTokens,
                                 result.windows};
    });
}

} // namespace mtm::core
