// What a RAG job is asked to build, as its request's fields name them: the embedding model (a
// sentence-transformers folder; empty: the built-in embedder), the chunking, from how many chunks the index is
// HNSW rather than exact, whether retrieval fuses BM25 with the vectors, and whether the job also fine-tunes a
// generator (a LoRA run of the job's model on the dataset, written to lora_model/ beside rag_model/).
#pragma once

#include <cstdint>
#include <string>

namespace mtm::core {

struct RagSettings
{
    std::string embeddingModel;       // embedding_model
    std::string chunkUnit = "tokens"; // chunk_unit: "tokens" or "characters"
    std::int64_t chunkSize = 200;     // chunk_size
    std::int64_t chunkOverlap = 40;   // chunk_overlap
    std::int64_t hnswFrom = 50000;    // hnsw_from: chunks
    bool hybrid = true;               // hybrid
    bool fineTuneGenerator = false;   // fine_tune_generator
};

// Shows each setting to visitor(name, value&), with the names a request's JSON uses.
template <typename Settings, typename Visitor> void visitRagSettings(Settings &settings, Visitor &&visitor)
{
    visitor("embedding_model", settings.embeddingModel);
    visitor("chunk_unit", settings.chunkUnit);
    visitor("chunk_size", settings.chunkSize);
    visitor("chunk_overlap", settings.chunkOverlap);
    visitor("hnsw_from", settings.hnswFrom);
    visitor("hybrid", settings.hybrid);
    visitor("fine_tune_generator", settings.fineTuneGenerator);
}

} // namespace mtm::core
