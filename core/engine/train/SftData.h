// Supervised fine-tuning data: the normalised records of a dataset turned into token ids with labels (the
// tokens the model learns: the assistant's replies, or everything), truncated to a maximum length with a count,
// split into training and held-out examples, shuffled by seed per epoch, and batched — padded, or packed
// without padding so that no example attends to another.
#pragma once

#include "engine/chat/ChatTemplate.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::engine {

class Tokenizer;

struct TrainingExample
{
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> learned; // 1 where the token is a target of the loss
};

struct SftDataOptions
{
    std::int64_t maxSequenceLength = 512;
    bool trainOnPrompts = false;
    double evalFraction = 0.1;   // used when evalCount is 0
    std::int64_t evalCount = 0;  // a fixed number of held-out examples instead of a fraction
    std::uint64_t seed = 42;     // for the split
};

struct SftData
{
    std::vector<TrainingExample> train;
    std::vector<TrainingExample> eval;
    std::int64_t truncated = 0;   // records cut to the maximum length
    std::int64_t withoutTargets = 0; // records left with no token to learn after truncation (skipped)
    std::int64_t records = 0;
};

// Reads records.jsonl ({"messages": [...]} or {"text": ...} per line). Conversations are rendered with `chat`;
// texts become BOS + text + EOS, all learned. Throws EngineError naming the line of a record it cannot use.
SftData buildSftData(const std::string &recordsPath, const Tokenizer &tokenizer, const ChatTemplate &chat,
                     const SftDataOptions &options);

struct Batch
{
    torch::Tensor ids;       // [rows, length] int64
    torch::Tensor targets;   // [rows, length] int64: the next token to predict, or -100
    torch::Tensor positions; // [rows, length] int64
    std::vector<std::vector<std::int64_t>> segmentLengths; // packed rows: the lengths of the examples in each row
    std::int64_t targetCount = 0; // how many targets are not -100
    std::int64_t tokens = 0;      // real (non-padding) tokens
};

// The order of the examples in an epoch: a permutation drawn from seed and epoch (the same on every run).
std::vector<std::size_t> epochOrder(std::size_t count, std::uint64_t seed, std::int64_t epoch);

// The examples of batch `index` of an epoch: the epoch's order cut into runs of batchSize (the last may be shorter).
std::vector<const TrainingExample *> batchExamples(const std::vector<TrainingExample> &examples,
                                                   const std::vector<std::size_t> &order, std::int64_t index,
                                                   std::int64_t batchSize);

// Right-padded rows, one per example.
Batch padBatch(const std::vector<const TrainingExample *> &examples, std::int32_t padId);
// The examples concatenated into rows of at most maxLength tokens (all in one row when maxLength is 0), the
// rows padded to the longest; positions restart with each example, which attends only to itself (see
// packedAttentionMask and segmentLengths).
Batch packBatch(const std::vector<const TrainingExample *> &examples, std::int64_t maxLength, std::int32_t padId);
// The attention mask of a packed batch: bool [rows, 1, length, length], causal within each example and
// nothing across examples; a padding position attends to itself only (its output is never used).
torch::Tensor packedAttentionMask(const Batch &batch);

} // namespace mtm::engine
