// `mtm rag query --job ID "question" [--top-k K] [--dense] [--json]`: the chunks of a RAG job's index that best
// answer the question, with their scores and sources.
#pragma once

#include "DeployOptions.h"
#include "ParsedCommand.h"

namespace mtm::cli {

class RagQueryCommand : public ParsedCommand
{
public:
    RagQueryCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_job = jobOption();
    const QCommandLineOption m_topK{QStringLiteral("top-k"), QStringLiteral("How many chunks (default 3)."),
                                    QStringLiteral("K"), QStringLiteral("3")};
    const QCommandLineOption m_dense{QStringLiteral("dense"),
                                     QStringLiteral("By the vectors alone, even where the job fuses BM25 with them.")};
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
};

} // namespace mtm::cli
