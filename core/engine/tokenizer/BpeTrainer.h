// Learns a byte-level BPE vocabulary from text, as GPT-2-style tokenizers are made: split the text with the
// Llama 3 pre-tokenizer, start from the 256 bytes, and merge the most frequent adjacent pair until the
// vocabulary is full. The result is written as tokenizer.json and tokenizer_config.json that transformers and
// this engine load.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

struct TrainedBpe
{
    std::vector<std::string> tokens; // byte-level spellings; ids are positions
    std::vector<std::pair<std::string, std::string>> merges;
    std::vector<std::string> specialTokens; // appended after the learned tokens
};

// vocabularySize counts the 256 bytes, the merges and the special tokens.
TrainedBpe trainByteLevelBpe(const std::vector<std::string> &texts, int vocabularySize,
                             const std::vector<std::string> &specialTokens);

// Writes tokenizer.json (Llama 3 pre-tokenizer, byte-level decoder) and tokenizer_config.json (BOS/EOS and a
// Llama 3 chat template when the special tokens include its markers) into directory.
void writeTrainedTokenizer(const TrainedBpe &bpe, const std::string &directory, const std::string &bosToken,
                           const std::string &eosToken, const std::string &chatTemplate);

} // namespace mtm::engine
