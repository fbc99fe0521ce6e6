#include "engine/embed/StaticEmbedderBuilder.h"

#include "engine/EngineError.h"
#include "engine/embed/WordPiece.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/Safetensors.h"
#include "engine/tokenizer/Unicode.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kSpecialTokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

// The tokenizer.json of Hugging Face's tokenizers library for a BERT-style WordPiece vocabulary.
json tokenizerJson(const std::vector<std::string> &vocabulary)
{
    json added = json::array(), pieces = json::object();
    for (std::size_t id = 0; id < vocabulary.size(); ++id) {
        pieces[vocabulary[id]] = id;
        if (id < kSpecialTokens.size())
            added.push_back({{"id", id},
                             {"content", vocabulary[id]},
                             {"single_word", false},
                             {"lstrip", false},
                             {"rstrip", false},
                             {"normalized", false},
                             {"special", true}});
    }
    return {{"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", added},
            {"normalizer",
             {{"type", "BertNormalizer"},
              {"clean_text", true},
              {"handle_chinese_chars", true},
              {"strip_accents", nullptr},
              {"lowercase", true}}},
            {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
            {"post_processor", {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}}},
            {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
            {"model",
             {{"type", "WordPiece"},
              {"unk_token", "[UNK]"},
              {"continuing_subword_prefix", "##"},
              {"max_input_chars_per_word", 100},
              {"vocab", pieces}}}};
}

std::vector<std::string> characters(const std::string &word)
{
    std::vector<std::string> out;
    for (std::size_t position = 0; position < word.size();) {
        std::string character;
        unicode::appendUtf8(character, unicode::decodeUtf8(word, position));
        out.push_back(character);
    }
    return out;
}

// Common English inflections, longest first: a word that ends in one is kept as its stem and the ending, so that
// "saturdays" and "saturday", "opening" and "open" share a token.
const std::vector<std::string> kInflections = {"ings", "ing", "ers", "er", "ed", "es", "ly", "s"};

// The stem and ending of an inflected word (a stem of at least four letters; "ss" is no plural); else the word.
std::pair<std::string, std::string> inflectionStem(const std::string &word)
{
    for (const std::string &ending : kInflections) {
        if (word.size() < ending.size() + 4 || word.compare(word.size() - ending.size(), ending.size(), ending) != 0)
            continue;
        const std::string stem = word.substr(0, word.size() - ending.size());
        if (ending == "s" && stem.back() == 's')
            continue;
        if (std::all_of(stem.begin(), stem.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            return {stem, ending};
    }
    return {word, std::string()};
}

} // namespace

StaticEmbedderSummary buildStaticEmbedder(const std::vector<std::string> &texts, const std::string &folder,
                                          const StaticEmbedderSettings &settings, const EngineProgress &progress)
{
    constexpr std::int64_t kSteps = 4;
    const auto step = [&](std::int64_t done) {
        if (progress && !progress(done, kSteps))
            throw EngineError("Making the embedder was cancelled", EngineError::Kind::Cancelled);
    };
    torch::NoGradGuard noGrad;
    const WordPieceTokenizer::Settings normalisation;

    // The vocabulary: special tokens, every character (word-initial and within a word), the frequent words, the
    // frequent endings — each in a fixed order, so that the same texts give the same model.
    std::unordered_map<std::string, std::int64_t> wordCounts, endingCounts;
    std::set<std::string> seenCharacters;
    for (const std::string &text : texts)
        for (const std::string &word : WordPieceTokenizer::bertWords(text, normalisation)) {
            ++wordCounts[word];
            const std::vector<std::string> parts = characters(word);
            seenCharacters.insert(parts.begin(), parts.end());
            std::string ending;
            for (std::size_t length = 1; length <= 5 && length < parts.size(); ++length) {
                ending = parts[parts.size() - length] + ending;
                if (length >= 2)
                    ++endingCounts["##" + ending];
            }
        }
    step(1);
    std::vector<std::string> vocabulary = kSpecialTokens;
    std::set<std::string> taken(vocabulary.begin(), vocabulary.end());
    const auto add = [&](const std::string &token) {
        if (taken.insert(token).second)
            vocabulary.push_back(token);
    };
    for (const std::string &character : seenCharacters)
        add(character);
    for (const std::string &character : seenCharacters)
        add("##" + character);
    const auto mostFrequent = [](const std::unordered_map<std::string, std::int64_t> &counts, std::int64_t limit,
                                 std::int64_t atLeast) {
        std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
        std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        std::vector<std::string> kept;
        for (const auto &[token, count] : sorted)
            if (std::int64_t(kept.size()) < limit && count >= atLeast)
                kept.push_back(token);
        return kept;
    };
    for (const std::string &word : mostFrequent(wordCounts, settings.maxWords, 1))
        add(inflectionStem(word).first);
    for (const std::string &ending : kInflections)
        add("##" + ending);
    for (const std::string &ending : mostFrequent(endingCounts, settings.maxEndings, 3))
        add(ending);
    const std::int64_t size = std::int64_t(vocabulary.size());

    // How rare each token is, counted in texts, and which tokens stand near which.
    const WordPieceTokenizer tokenizer(vocabulary, normalisation);
    std::vector<std::int64_t> sequence, textOf;
    torch::Tensor documentFrequency = torch::zeros({size}, torch::kFloat64);
    auto frequency = documentFrequency.accessor<double, 1>();
    for (std::size_t t = 0; t < texts.size(); ++t) {
        const std::vector<std::int32_t> ids = tokenizer.encode(texts[t]);
        for (const std::int32_t id : std::set<std::int32_t>(ids.begin(), ids.end()))
            frequency[id] += 1;
        for (const std::int32_t id : ids) {
            sequence.push_back(id);
            textOf.push_back(std::int64_t(t));
        }
    }
    step(2);
    // Rare tokens weigh more (BM25's inverse document frequency); a token no text has (a piece of a word the texts
    // never used) can match nothing, and weighs as little as the commonest.
    const double count = double(texts.size());
    const auto rarity = [count](const torch::Tensor &frequency) {
        return torch::log1p((count - frequency + 0.5) / (frequency + 0.5));
    };
    torch::Tensor weight = rarity(documentFrequency);
    const double commonest = rarity(documentFrequency.max()).item<double>();
    weight = torch::where(documentFrequency > 0, weight, torch::full_like(weight, commonest)).to(torch::kFloat32);

    torch::Generator generator = at::detail::createCPUGenerator(settings.seed);
    const torch::Tensor own =
        torch::nn::functional::normalize(torch::randn({size, settings.dimension}, generator, torch::kFloat32),
                                         torch::nn::functional::NormalizeFuncOptions().dim(1));
    torch::Tensor context = torch::zeros({size, settings.dimension}, torch::kFloat32);
    const torch::Tensor ids = torch::tensor(sequence, torch::kInt64), owner = torch::tensor(textOf, torch::kInt64);
    const torch::Tensor weighted = own * weight.unsqueeze(1);
    // Pairs of positions k apart within one text, a slice of positions at a time (memory: slice × dimension).
    constexpr std::int64_t kSlice = 1 << 16;
    for (std::int64_t k = 1; k <= settings.window && k < ids.size(0); ++k) {
        for (std::int64_t first = 0; first < ids.size(0) - k; first += kSlice) {
            const std::int64_t last = std::min(first + kSlice, ids.size(0) - k);
            const torch::Tensor sameText = owner.slice(0, first, last) == owner.slice(0, first + k, last + k);
            const torch::Tensor a = ids.slice(0, first, last).masked_select(sameText);
            const torch::Tensor b = ids.slice(0, first + k, last + k).masked_select(sameText);
            context.index_add_(0, a, weighted.index_select(0, b));
            context.index_add_(0, b, weighted.index_select(0, a));
        }
    }
    step(3);
    const auto unit = [](const torch::Tensor &rows) {
        return torch::nn::functional::normalize(rows, torch::nn::functional::NormalizeFuncOptions().dim(1));
    };
    torch::Tensor vectors = unit(own + settings.contextWeight * unit(context)) * weight.unsqueeze(1);
    vectors.slice(0, 0, std::int64_t(kSpecialTokens.size())).zero_();

    const fs::path root(folder), module = root / "0_StaticEmbedding";
    std::error_code error;
    fs::create_directories(module, error);
    fs::create_directories(root / "1_Normalize", error);
    if (error)
        throw EngineError("Cannot create the folder " + module.string() + ": " + error.message());
    writeSafetensors((module / "model.safetensors").string(), {{"embedding.weight", vectors.contiguous()}});
    writeFileAtomically((module / "tokenizer.json").string(), tokenizerJson(vocabulary).dump());
    writeFileAtomically(
        (root / "modules.json").string(),
        json::array(
            {{{"idx", 0},
              {"name", "0"},
              {"path", "0_StaticEmbedding"},
              {"type", "sentence_transformers.models.StaticEmbedding"}},
             {{"idx", 1}, {"name", "1"}, {"path", "1_Normalize"}, {"type", "sentence_transformers.models.Normalize"}}})
            .dump(2));
    writeFileAtomically(
        (root / "config_sentence_transformers.json").string(),
        json{{"prompts", json::object()}, {"default_prompt_name", nullptr}, {"similarity_fn_name", "cosine"}}.dump(2));
    writeFileAtomically(
        (root / "README.md").string(),
        "# The built-in embedder of Model Training Manager\n\n"
        "A sentence-transformers StaticEmbedding model (" +
            std::to_string(size) + " tokens, " + std::to_string(settings.dimension) +
            " dimensions) made by the app from the text it ships and the documents of this job, with nothing "
            "downloaded. Each token's vector is a random direction of its own, turned a little towards the "
            "tokens it appears near, and as long as the token is rare; a text's vector is the normalised "
            "average of its tokens'. It finds texts that share distinctive words with the query; it is not a "
            "neural model and knows no meaning beyond these statistics.\n\n"
            "    from sentence_transformers import SentenceTransformer\n"
            "    model = SentenceTransformer(\"<this folder>\")\n");
    step(4);
    StaticEmbedderSummary summary;
    summary.vocabularySize = size;
    summary.texts = std::int64_t(texts.size());
    summary.tokens = std::int64_t(sequence.size());
    return summary;
}

} // namespace mtm::engine
