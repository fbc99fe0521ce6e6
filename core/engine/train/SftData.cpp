#include "engine/train/SftData.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/chat/ChatEncoding.h"
#include "engine/tokenizer/Tokenizer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>

namespace mtm::engine {
namespace {

using nlohmann::json;

TrainingExample exampleFromRecord(const json &record, const Tokenizer &tokenizer, const ChatTemplate &chat,
                                  bool trainOnPrompts)
{
    TrainingExample example;
    if (record.contains("messages")) {
        std::vector<ChatMessage> messages;
        for (const json &message : record["messages"])
            messages.push_back({message.at("role").get<std::string>(), message.at("content").get<std::string>()});
        const EncodedChat encoded = encodeChat(tokenizer, chat, messages, false, trainOnPrompts);
        example.ids = encoded.ids;
        example.learned = encoded.learned;
    } else if (record.contains("text")) {
        example.ids = tokenizer.encode(record["text"].get<std::string>(), {true, false});
        if (tokenizer.settings().eos && (example.ids.empty() || example.ids.back() != *tokenizer.settings().eos))
            example.ids.push_back(*tokenizer.settings().eos);
        example.learned.assign(example.ids.size(), 1);
        if (!example.ids.empty() && tokenizer.settings().bos && example.ids.front() == *tokenizer.settings().bos)
            example.learned.front() = 0; // BOS is given, never predicted
    } else {
        throw EngineError("the record has neither \"messages\" nor \"text\"");
    }
    return example;
}

} // namespace

SftData buildSftData(const std::string &recordsPath, const Tokenizer &tokenizer, const ChatTemplate &chat,
                     const SftDataOptions &options)
{
    std::ifstream in(recordsPath, std::ios::binary);
    if (!in)
        throw EngineError("Cannot read " + recordsPath);
    if (options.maxSequenceLength < 2)
        throw EngineError("The maximum sequence length must be at least 2");
    std::vector<TrainingExample> examples;
    SftData data;
    std::string line;
    for (std::int64_t lineNumber = 1; std::getline(in, line); ++lineNumber) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        ++data.records;
        TrainingExample example;
        try {
            example = exampleFromRecord(parseJson(line, "the record"), tokenizer, chat, options.trainOnPrompts);
        } catch (const std::exception &error) {
            throw EngineError(recordsPath + ", line " + std::to_string(lineNumber) + ": " +
                              jsonErrorText(error.what()));
        }
        if (static_cast<std::int64_t>(example.ids.size()) > options.maxSequenceLength) {
            example.ids.resize(static_cast<std::size_t>(options.maxSequenceLength));
            example.learned.resize(example.ids.size());
            ++data.truncated;
        }
        // The first token is never a target: nothing comes before it.
        const bool hasTargets =
            std::any_of(example.learned.begin() + 1, example.learned.end(), [](auto v) { return v; });
        if (!hasTargets) {
            ++data.withoutTargets;
            continue;
        }
        examples.push_back(std::move(example));
    }
    if (examples.empty())
        throw EngineError(recordsPath + " has no record with something to learn within " +
                          std::to_string(options.maxSequenceLength) + " tokens");

    // The held-out split: a seeded shuffle, the first ones held out, both parts kept in file order.
    std::int64_t held = options.evalCount > 0
                            ? options.evalCount
                            : static_cast<std::int64_t>(std::llround(options.evalFraction * double(examples.size())));
    held = std::clamp<std::int64_t>(held, 0, static_cast<std::int64_t>(examples.size()) - 1);
    std::vector<std::size_t> order(examples.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 random(options.seed);
    std::shuffle(order.begin(), order.end(), random);
    std::vector<bool> isEval(examples.size(), false);
    for (std::int64_t i = 0; i < held; ++i)
        isEval[order[static_cast<std::size_t>(i)]] = true;
    for (std::size_t i = 0; i < examples.size(); ++i)
        (isEval[i] ? data.eval : data.train).push_back(std::move(examples[i]));
    return data;
}

std::vector<std::size_t> epochOrder(std::size_t count, std::uint64_t seed, std::int64_t epoch)
{
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 random(seed ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(epoch + 1)));
    std::shuffle(order.begin(), order.end(), random);
    return order;
}

std::vector<const TrainingExample *> batchExamples(const std::vector<TrainingExample> &examples,
                                                   const std::vector<std::size_t> &order, std::int64_t index,
                                                   std::int64_t batchSize)
{
    const auto begin = static_cast<std::size_t>(index * batchSize);
    const std::size_t end = std::min(order.size(), begin + static_cast<std::size_t>(batchSize));
    std::vector<const TrainingExample *> chosen;
    for (std::size_t i = begin; i < end; ++i)
        chosen.push_back(&examples[order[i]]);
    return chosen;
}

Batch padBatch(const std::vector<const TrainingExample *> &examples, std::int32_t padId)
{
    std::size_t length = 0;
    for (const TrainingExample *example : examples)
        length = std::max(length, example->ids.size());
    const auto rows = static_cast<std::int64_t>(examples.size());
    Batch batch;
    batch.ids = torch::full({rows, static_cast<std::int64_t>(length)}, padId, torch::kInt64);
    batch.targets = torch::full({rows, static_cast<std::int64_t>(length)}, -100, torch::kInt64);
    batch.positions = torch::arange(static_cast<std::int64_t>(length)).unsqueeze(0).repeat({rows, 1});
    auto ids = batch.ids.accessor<std::int64_t, 2>();
    auto targets = batch.targets.accessor<std::int64_t, 2>();
    for (std::int64_t r = 0; r < rows; ++r) {
        const TrainingExample &example = *examples[static_cast<std::size_t>(r)];
        for (std::size_t t = 0; t < example.ids.size(); ++t) {
            ids[r][static_cast<std::int64_t>(t)] = example.ids[t];
            if (t + 1 < example.ids.size() && example.learned[t + 1]) {
                targets[r][static_cast<std::int64_t>(t)] = example.ids[t + 1];
                ++batch.targetCount;
            }
        }
        batch.tokens += static_cast<std::int64_t>(example.ids.size());
    }
    return batch;
}

Batch packBatch(const std::vector<const TrainingExample *> &examples, std::int64_t maxLength, std::int32_t padId)
{
    // First fit in order: each row takes examples while they fit.
    std::vector<std::vector<const TrainingExample *>> rows(1);
    std::int64_t used = 0;
    for (const TrainingExample *example : examples) {
        const auto size = static_cast<std::int64_t>(example->ids.size());
        if (used > 0 && maxLength > 0 && used + size > maxLength) {
            rows.emplace_back();
            used = 0;
        }
        rows.back().push_back(example);
        used += size;
    }
    std::int64_t length = 0;
    for (const auto &row : rows) {
        std::int64_t total = 0;
        for (const TrainingExample *example : row)
            total += static_cast<std::int64_t>(example->ids.size());
        length = std::max(length, total);
    }
    const auto count = static_cast<std::int64_t>(rows.size());
    Batch batch;
    batch.ids = torch::full({count, length}, padId, torch::kInt64);
    batch.targets = torch::full({count, length}, -100, torch::kInt64);
    batch.positions = torch::zeros({count, length}, torch::kInt64);
    auto ids = batch.ids.accessor<std::int64_t, 2>();
    auto targets = batch.targets.accessor<std::int64_t, 2>();
    auto positions = batch.positions.accessor<std::int64_t, 2>();
    batch.segmentLengths.resize(rows.size());
    for (std::int64_t r = 0; r < count; ++r) {
        std::int64_t offset = 0;
        for (std::size_t e = 0; e < rows[static_cast<std::size_t>(r)].size(); ++e) {
            const TrainingExample &example = *rows[static_cast<std::size_t>(r)][e];
            batch.segmentLengths[static_cast<std::size_t>(r)].push_back(static_cast<std::int64_t>(example.ids.size()));
            for (std::size_t t = 0; t < example.ids.size(); ++t) {
                const std::int64_t at = offset + static_cast<std::int64_t>(t);
                ids[r][at] = example.ids[t];
                positions[r][at] = static_cast<std::int64_t>(t);
                if (t + 1 < example.ids.size() && example.learned[t + 1]) {
                    targets[r][at] = example.ids[t + 1];
                    ++batch.targetCount;
                }
            }
            offset += static_cast<std::int64_t>(example.ids.size());
        }
        batch.tokens += offset;
    }
    return batch;
}

torch::Tensor packedAttentionMask(const Batch &batch)
{
    const std::int64_t rows = batch.ids.size(0), length = batch.ids.size(1);
    torch::Tensor segments = torch::full({rows, length}, -1, torch::kInt64);
    for (std::int64_t r = 0; r < rows; ++r) {
        std::int64_t start = 0, index = 0;
        for (const std::int64_t size : batch.segmentLengths[static_cast<std::size_t>(r)]) {
            segments[r].narrow(0, start, size).fill_(index++);
            start += size;
        }
    }
    const torch::Tensor same = segments.unsqueeze(2) == segments.unsqueeze(1);
    const torch::Tensor causal = torch::ones({length, length}, torch::kBool).tril();
    const torch::Tensor self = torch::eye(length, torch::kBool);
    return same.logical_and(causal).logical_or(self).unsqueeze(1);
}

} // namespace mtm::engine
