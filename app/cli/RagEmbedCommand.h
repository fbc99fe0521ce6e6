// `mtm rag embed --job ID "text"`: the vector the RAG job's embedder gives the text, as a JSON array — what a
// script searching the job's vector_index.faiss needs for its query.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class RagEmbedCommand : public ParsedCommand
{
public:
    RagEmbedCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
};

} // namespace mtm::cli
