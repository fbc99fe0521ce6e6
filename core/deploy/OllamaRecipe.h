// What Ollama needs beside a model's weights to run it as it was trained: the prompt template in Ollama's own
// template language, equivalent to the chat format the model learned; the markers that end a reply; sampling
// defaults and the context length; a system message. Shown to people as a Modelfile in which a comment says why
// each line is there, and sent to Ollama's /api/create as the same fields.
#pragma once

#include <QString>
#include <QStringList>

namespace mtm::core {

struct JobInfo;

struct OllamaRecipe
{
    QString from;         // FROM: a GGUF file beside the Modelfile, or the Ollama name of the base model
    QString fromWhy;      // what FROM is, for its comment ("the fine-tuned model merged, at Q4_K_M")
    QString adapter;      // ADAPTER: a GGUF adapter beside the Modelfile; empty: none
    QString chatFormat;   // the chat format the template renders: "llama3", "chatml", ...
    QString templateText; // TEMPLATE
    QStringList stops;    // PARAMETER stop, one line each
    double temperature = 0.8;
    double topP = 0.9;
    bool fromGenerationConfig = false; // temperature and top_p are the model's own (generation_config.json)
    int contextLength = 2048;          // PARAMETER num_ctx
    int trainedLength = 0;             // the longest sequence the model was trained on, for num_ctx's comment
    QString system;                    // SYSTEM; empty: none
};

// The recipe of a model folder — a job's output or any model folder; an adapter folder answers with its own
// tokenizer files — for the chat format given by id (empty: the one its chat template implements) and a model
// trained on sequences of up to trainedLength tokens (0: unknown). Throws Error saying what is wrong with the folder.
OllamaRecipe ollamaRecipeFor(const QString &modelFolder, const QString &chatFormat, int trainedLength);
// The recipe of a job's output, in the chat format and for the sequence length it was trained with.
OllamaRecipe ollamaRecipeFor(const JobInfo &job);

// The Modelfile: FROM, ADAPTER, TEMPLATE, PARAMETER and SYSTEM lines, each after a comment saying why. Throws
// Error (InvalidInput) for a system message or template that a Modelfile cannot hold ("""…""" inside).
QString modelfileText(const OllamaRecipe &recipe);

} // namespace mtm::core
