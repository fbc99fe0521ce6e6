// Makes models: random-weight checkpoints of any supported family in Hugging Face layout (for tests and for
// tools/make-starter-model.sh), byte-level BPE tokenizers trained on text, and the starter model of a fresh
// install.
#pragma once

#include <QString>
#include <QStringList>

namespace mtm::core {

class DataDirectory;

struct TinyModelSpec
{
    QString family = QStringLiteral("llama"); // llama, mistral, qwen2
    int hiddenSize = 64;
    int layers = 2;
    int heads = 4;
    int kvHeads = 2;
    int intermediateSize = 172;
    int maxPositions = 512;
    double ropeTheta = 10000.0;
    bool tiedEmbeddings = true;
    quint64 seed = 1;
    QString dtype = QStringLiteral("float32"); // as stored
    QString tokenizerFolder;                   // copied in; its vocabulary sets the model's
};

// Writes config.json, model.safetensors, generation_config.json and the tokenizer files into folder.
// Throws core::Error.
void makeTinyModel(const TinyModelSpec &spec, const QString &folder);

// Trains a byte-level BPE on the texts of files and writes tokenizer.json and tokenizer_config.json (with
// Llama 3 special tokens and chat template) into folder. Throws core::Error.
void trainTokenizer(const QStringList &files, int vocabularySize, const QString &folder);

// The folder of the starter model in the data directory.
QString starterModelFolder(const DataDirectory &dataDirectory);
// Whether the data directory holds the same starter model as shippedFolder (the app's resources,
// ":/starter-model"): an older version is replaced.
bool starterModelIsCurrent(const DataDirectory &dataDirectory, const QString &shippedFolder);
// Copies the starter model (config, weights, tokenizer) from shippedFolder into the data directory unless it is
// current, whole or not at all; returns its folder. Throws core::Error.
QString installStarterModel(const DataDirectory &dataDirectory, const QString &shippedFolder);

} // namespace mtm::core
