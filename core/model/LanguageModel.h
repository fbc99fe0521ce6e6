// A model folder opened for use by the app, the command line and the API: generation (raw or as a chat, with
// the model's own template, streamed and cancellable) and perplexity. LibTorch stays behind this class.
#pragma once

#include "Progress.h"
#include "model/TextTokenizer.h"

#include <QPair>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>

namespace mtm::core {

struct GenerationSettings
{
    double temperature = 0.7; // 0: always the most likely token
    int topK = 40;
    double topP = 0.9;
    double repetitionPenalty = 1.1;
    int maxNewTokens = 256;
    quint64 seed = 0;
};

struct GenerationOutcome
{
    QString text;
    int promptTokens = 0;
    int generatedTokens = 0;
    double prefillSeconds = 0;
    double decodeSeconds = 0;
    QString stopReason; // "stop token", "token limit", "context full"
};

struct PerplexityOutcome
{
    double meanNegativeLogLikelihood = 0;
    double perplexity = 0;
    qint64 scoredTokens = 0;
    qint64 windows = 0;
};

class LanguageModel
{
public:
    struct Options
    {
        QString dtype = QStringLiteral("auto");  // auto (bf16 on CUDA, float32 on the CPU), float32, bfloat16
        QString device = QStringLiteral("auto"); // auto, cpu, cuda or cuda:N (engine/DeviceChoice.h)
        QString chatFormat;                      // empty: detected from the model's template; else llama3, llama31,
                                                 // chatml, mistral, gemma, phi3 or alpaca
        QString adapter;                         // a PEFT LoRA adapter folder to apply to the model
    };

    // folder: a model folder, or a LoRA adapter folder (its base is the folder adapter_config.json names). The
    // adapter is folded into the weights. Throws core::Error saying what is wrong with the folder.
    static std::unique_ptr<LanguageModel> open(const QString &folder, const Options &options);
    ~LanguageModel();

    QString summary() const; // "llama, 3.4 M parameters, float32 on CPU, chat format llama3"
    const TextTokenizer &tokenizer() const;

    // Hears each piece of text as it is generated; returning false cancels, and the call then ends in Error of kind
    // Cancelled (the pieces heard so far are all there is). Throws Error for everything else.
    using TextCallback = std::function<bool(const QString &piece)>;
    GenerationOutcome complete(const QString &prompt, const GenerationSettings &settings, const TextCallback &onText);
    GenerationOutcome chat(const QVector<QPair<QString, QString>> &messages, const GenerationSettings &settings,
                           const TextCallback &onText);
    // progress(done, total) after each window; returning false cancels (Error of kind Cancelled).
    PerplexityOutcome perplexity(const QString &text, int window, const Progress &progress);

private:
    struct Impl;
    explicit LanguageModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace mtm::core
