// `mtm` commands that use models: generate, tokenize, perplexity, make-tiny-model and train-tokenizer.
#pragma once

#include "CliCommand.h"

namespace mtm::cli {

class GenerateCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("generate"); }
    QString summary() const override { return QStringLiteral("Generate text with a model, streamed as it comes"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

class TokenizeCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("tokenize"); }
    QString summary() const override { return QStringLiteral("Turn standard input into a model's tokens"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

class PerplexityCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("perplexity"); }
    QString summary() const override { return QStringLiteral("Measure how well a model predicts a text file"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

class MakeTinyModelCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("make-tiny-model"); }
    QString summary() const override { return QStringLiteral("Create a random-weight model folder for tests"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

class TrainTokenizerCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("train-tokenizer"); }
    QString summary() const override { return QStringLiteral("Train a byte-level BPE tokenizer on text files"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

} // namespace mtm::cli
