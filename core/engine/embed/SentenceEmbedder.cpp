#include "engine/embed/SentenceEmbedder.h"

#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"
#include "engine/io/UntrustedJson.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

const std::string kTransformer = "sentence_transformers.models.Transformer";
const std::string kPooling = "sentence_transformers.models.Pooling";
const std::string kNormalize = "sentence_transformers.models.Normalize";
const std::string kStatic = "sentence_transformers.models.StaticEmbedding";

// A module's folder, which must lie inside the model folder.
fs::path moduleFolder(const fs::path &root, const std::string &path, const std::string &where)
{
    const fs::path relative(path);
    if (relative.is_absolute() ||
        std::any_of(relative.begin(), relative.end(), [](const fs::path &part) { return part == ".."; }))
        throw EngineError(where + ": the module path \"" + path + "\" leads outside the model folder");
    return root / relative;
}

} // namespace

SentenceEmbedder::SentenceEmbedder(const std::string &folder, torch::ScalarType dtype, torch::Device device)
{
    const fs::path root(folder);
    const fs::path modulesPath = root / "modules.json";
    fs::path transformer = root;
    std::optional<fs::path> staticFolder;
    if (fs::exists(modulesPath)) {
        const std::string where = modulesPath.string();
        const nlohmann::json modules = readJsonFile(where);
        if (!modules.is_array())
            throw EngineError(where + " must list the model's modules");
        bool pooled = false;
        for (const nlohmann::json &module : modules) {
            const std::string type = stringMember(module, "type", "", where);
            const fs::path path = moduleFolder(root, stringMember(module, "path", "", where), where);
            if (type == kTransformer) {
                transformer = path;
            } else if (type == kStatic) {
                staticFolder = path;
            } else if (type == kPooling) {
                const std::string configPath = (path / "config.json").string();
                const nlohmann::json config = readJsonFile(configPath);
                const bool mean = flagMember(config, "pooling_mode_mean_tokens", false, configPath);
                const bool cls = flagMember(config, "pooling_mode_cls_token", false, configPath);
                for (const char *other : {"pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                                          "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"})
                    if (flagMember(config, other, false, configPath))
                        throw EngineError(configPath + ": the pooling \"" + std::string(other) +
                                          "\" is not supported (the mean of the tokens, or the [CLS] token)");
                if (mean == cls)
                    throw EngineError(configPath + ": choose one pooling: the mean of the tokens or the [CLS] token");
                m_pooling = mean ? Pooling::Mean : Pooling::Classifier;
                pooled = true;
            } else if (type == kNormalize) {
                m_normalize = true;
            } else {
                throw EngineError(where + ": the module \"" + type +
                                  "\" is not supported (Transformer, StaticEmbedding, Pooling and Normalize are)");
            }
        }
        if (staticFolder && pooled)
            throw EngineError(where + ": a StaticEmbedding gives one vector per text already; it takes no Pooling");
        if (!staticFolder && !pooled)
            throw EngineError(where + " has no " + kPooling + " module");
    }
    if (staticFolder) {
        // A table of token vectors, averaged over a text's tokens (no [CLS], no [SEP], no length limit).
        m_tokenizer.emplace(WordPieceTokenizer::fromFolder(staticFolder->string()));
        const SafetensorsFile weights((*staticFolder / "model.safetensors").string());
        const char *name = weights.find("embedding.weight") ? "embedding.weight" : "embeddings";
        const SafetensorsEntry *entry = weights.find(name);
        if (!entry || entry->shape.size() != 2 || entry->shape[0] != m_tokenizer->vocabularySize())
            throw EngineError(weights.path() + " must hold \"embedding.weight\": one vector for each of the " +
                              std::to_string(m_tokenizer->vocabularySize()) + " tokens of tokenizer.json");
        // Averaged, not multiplied: a 16-bit dtype would only lose digits, so the table stays in float32 then.
        m_staticTable =
            weights.load(name).to(device, dtype == torch::kBFloat16 || dtype == torch::kHalf ? torch::kFloat32 : dtype);
        m_maxTokens = std::numeric_limits<std::int64_t>::max();
        return;
    }
    m_tokenizer.emplace(WordPieceTokenizer::fromFolder(transformer.string()));
    m_encoder = std::make_unique<BertEncoder>(transformer.string(), dtype, device);
    if (m_tokenizer->vocabularySize() > m_encoder->config().vocabSize)
        throw EngineError(transformer.string() + ": the tokenizer has " +
                          std::to_string(m_tokenizer->vocabularySize()) + " tokens, more than the " +
                          std::to_string(m_encoder->config().vocabSize) + " the model has vectors for");
    m_maxTokens = m_encoder->config().maxPositions;
    const fs::path sentenceConfig = transformer / "sentence_bert_config.json";
    if (fs::exists(sentenceConfig)) {
        const nlohmann::json config = readJsonFile(sentenceConfig.string());
        const double limit =
            positiveNumberMember(config, "max_seq_length", double(m_maxTokens), sentenceConfig.string());
        m_maxTokens = std::min<std::int64_t>(m_maxTokens, std::int64_t(limit));
    }
    if (m_maxTokens < 3)
        throw EngineError(folder + ": a text must have room for at least one token besides [CLS] and [SEP]");
}

std::int64_t SentenceEmbedder::dimension() const
{
    return m_encoder ? m_encoder->config().hiddenSize : m_staticTable.size(1);
}

std::vector<std::int32_t> SentenceEmbedder::tokenize(const std::string &text) const
{
    std::vector<std::int32_t> pieces = m_tokenizer->encode(text, false);
    if (!m_encoder)
        return pieces;
    pieces.resize(std::min<std::size_t>(pieces.size(), std::size_t(m_maxTokens - 2)));
    pieces.insert(pieces.begin(), m_tokenizer->classifierId());
    pieces.push_back(m_tokenizer->separatorId());
    return pieces;
}

torch::Tensor SentenceEmbedder::embed(const std::vector<std::string> &texts, const EngineProgress &progress,
                                      std::int64_t batchSize) const
{
    std::vector<std::vector<std::int32_t>> tokens;
    tokens.reserve(texts.size());
    for (const std::string &text : texts)
        tokens.push_back(tokenize(text));
    return embedTokens(tokens, progress, batchSize);
}

torch::Tensor SentenceEmbedder::embedTokens(const std::vector<std::vector<std::int32_t>> &texts,
                                            const EngineProgress &progress, std::int64_t batchSize) const
{
    torch::NoGradGuard noGrad;
    const std::int64_t count = std::int64_t(texts.size());
    if (!m_encoder) {
        torch::Tensor result = torch::zeros({count, dimension()}, m_staticTable.options().device(torch::kCPU));
        for (std::int64_t i = 0; i < count; ++i) {
            const auto &ids = texts[std::size_t(i)];
            if (!ids.empty()) { // a text without a token stays zeros, as an empty bag does
                const torch::Tensor index = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()));
                torch::Tensor vector = m_staticTable.index_select(0, index.to(m_staticTable.device())).mean(0);
                if (m_normalize)
                    vector = vector / vector.norm().clamp_min(1e-12);
                result[i] = vector.cpu();
            }
            if (progress && (i + 1) % batchSize == 0 && !progress(i + 1, count))
                throw EngineError("Embedding was cancelled", EngineError::Kind::Cancelled);
        }
        if (progress && !progress(count, count))
            throw EngineError("Embedding was cancelled", EngineError::Kind::Cancelled);
        return result;
    }
    // Longest first: each batch holds texts of similar length, so that little of it is padding.
    std::vector<std::int64_t> order(std::size_t(count), 0);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
        return texts[std::size_t(a)].size() > texts[std::size_t(b)].size();
    });
    torch::Tensor result;
    for (std::int64_t first = 0; first < count; first += batchSize) {
        const std::int64_t size = std::min(batchSize, count - first);
        std::int64_t length = 1;
        for (std::int64_t i = 0; i < size; ++i)
            length =
                std::max<std::int64_t>(length, std::int64_t(texts[std::size_t(order[std::size_t(first + i)])].size()));
        std::vector<std::int64_t> idValues(std::size_t(size * length), m_tokenizer->paddingId());
        std::vector<std::int64_t> maskValues(std::size_t(size * length), 0);
        for (std::int64_t i = 0; i < size; ++i) {
            const auto &text = texts[std::size_t(order[std::size_t(first + i)])];
            if (text.empty())
                throw EngineError("A text to embed has no tokens, not even [CLS]");
            const std::size_t row = std::size_t(i * length);
            std::copy(text.begin(), text.end(), idValues.begin() + std::ptrdiff_t(row));
            std::fill_n(maskValues.begin() + std::ptrdiff_t(row), text.size(), 1);
        }
        const torch::Tensor ids = torch::tensor(idValues, torch::kInt64).view({size, length});
        const torch::Tensor mask = torch::tensor(maskValues, torch::kInt64).view({size, length});
        const torch::Tensor hidden = m_encoder->forward(ids, mask);
        torch::Tensor pooled;
        if (m_pooling == Pooling::Classifier) {
            pooled = hidden.select(1, 0);
        } else {
            const torch::Tensor weights = mask.to(hidden.device(), hidden.scalar_type()).unsqueeze(-1);
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1e-9);
        }
        if (m_normalize)
            pooled =
                torch::nn::functional::normalize(pooled, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
        pooled = pooled.cpu();
        if (!result.defined())
            result = torch::empty({count, pooled.size(1)}, pooled.options());
        for (std::int64_t i = 0; i < size; ++i)
            result[order[std::size_t(first + i)]] = pooled[i];
        if (progress && !progress(first + size, count))
            throw EngineError("Embedding was cancelled", EngineError::Kind::Cancelled);
    }
    if (!result.defined())
        result = torch::empty({0, dimension()});
    return result;
}

} // namespace mtm::engine
