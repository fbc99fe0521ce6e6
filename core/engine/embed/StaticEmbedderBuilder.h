// The built-in embedder: a sentence-transformers StaticEmbedding model the app makes itself, with nothing
// downloaded, from the text it is given (the corpus the app ships and the user's documents). Its WordPiece
// vocabulary holds the texts' words, their characters and common word endings; each token's vector is a
// random direction of its own (what makes a word match itself), turned a little towards the directions of the
// tokens it appears near (what makes related words match somewhat), and as long as the token is rare (so that
// rare words weigh more in a text's average, as in BM25). Averaged and normalised, a text's vector matches texts
// that share its distinctive words. It is not a neural model and knows no meaning beyond these statistics.
#pragma once

#include "engine/EngineProgress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::engine {

struct StaticEmbedderSettings
{
    std::int64_t dimension = 256;
    std::int64_t maxWords = 50000;  // the most frequent whole words kept in the vocabulary
    std::int64_t maxEndings = 2000; // the most frequent word endings ("##ing") kept
    std::int64_t window = 5;        // tokens on each side counted as near
    double contextWeight = 0.35;    // how far a token's direction turns towards its neighbours'
    std::uint64_t seed = 20261130;
};

struct StaticEmbedderSummary
{
    std::int64_t vocabularySize = 0;
    std::int64_t texts = 0;
    std::int64_t tokens = 0; // in all the texts
};

// Writes the model folder (modules.json, 0_StaticEmbedding/{tokenizer.json, model.safetensors}, 1_Normalize/,
// README.md); the same texts and settings always give the same files. progress(steps done, steps). Throws
// EngineError (Io; Cancelled leaving the folder incomplete, for the caller to remove).
StaticEmbedderSummary buildStaticEmbedder(const std::vector<std::string> &texts, const std::string &folder,
                                          const StaticEmbedderSettings &settings = {},
                                          const EngineProgress &progress = {});

} // namespace mtm::engine
