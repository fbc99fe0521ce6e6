#include "engine/export/GgufExport.h"

#include "engine/EngineError.h"
#include "engine/ParallelRuns.h"
#include "engine/io/GgufWriter.h"
#include "engine/io/Safetensors.h"
#include "engine/model/Checkpoint.h"
#include "engine/model/GgufModel.h"
#include "engine/model/ModelConfig.h"
#include "engine/model/Transformer.h"
#include "engine/quant/GgmlQuant.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/Lora.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

// llama.cpp's "more bits" layers of a Q4_K_M or Q5_K_M file: the first and last eighth, and every third between.
bool usesMoreBits(std::int64_t layer, std::int64_t layers)
{
    return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
}

// The type a weight matrix is stored in: the file type's own, with llama.cpp's quantize-tool choices for the
// output (and tied embedding), attn_v and ffn_down, and its fallbacks for rows that do not fill the blocks.
GgmlType weightType(GgufFileType file, const std::string &name, std::int64_t layer, std::int64_t layers, bool tied,
                    std::uint64_t rowLength)
{
    switch (file) {
    case GgufFileType::F32:
        return GgmlType::F32;
    case GgufFileType::F16:
        return GgmlType::F16;
    case GgufFileType::BF16:
        return GgmlType::BF16;
    case GgufFileType::Q8_0:
        return rowLength % 32 == 0 ? GgmlType::Q8_0 : GgmlType::F16;
    case GgufFileType::Q4_K_M:
    case GgufFileType::Q5_K_M:
        break;
    }
    const GgmlType base = file == GgufFileType::Q4_K_M ? GgmlType::Q4_K : GgmlType::Q5_K;
    GgmlType wanted = base;
    const bool output = name == "output.weight" || (tied && name == "token_embd.weight");
    if (output)
        wanted = rowLength % 256 == 0 ? GgmlType::Q6_K : GgmlType::Q8_0;
    else if ((name.find("attn_v.weight") != std::string::npos || name.find("ffn_down.weight") != std::string::npos) &&
             usesMoreBits(layer, layers))
        wanted = GgmlType::Q6_K;
    if (rowLength % ggmlBlockSize(wanted) == 0)
        return wanted;
    const GgmlType fallback = wanted == GgmlType::Q4_K   ? GgmlType::Q5_0
                              : wanted == GgmlType::Q5_K ? GgmlType::Q5_1
                                                         : GgmlType::Q8_0;
    return rowLength % 32 == 0 ? fallback : GgmlType::F16;
}

std::uint32_t fileTypeId(GgufFileType type)
{
    switch (type) {
    case GgufFileType::F32:
        return 0;
    case GgufFileType::F16:
        return 1;
    case GgufFileType::BF16:
        return 32;
    case GgufFileType::Q8_0:
        return 7;
    case GgufFileType::Q4_K_M:
        return 15;
    case GgufFileType::Q5_K_M:
        break;
    }
    return 17;
}

// The tensors of the model's safetensors files, opened once each.
class Weights
{
public:
    explicit Weights(const std::string &folder)
        : m_folder(folder)
        , m_map(checkpointWeightMap(folder))
    {}

    bool has(const std::string &name) const { return m_map.count(name) != 0; }

    std::vector<std::int64_t> shape(const std::string &name) { return file(name).find(name)->shape; }
    torch::Tensor load(const std::string &name) { return file(name).load(name).to(torch::kFloat32); }

private:
    SafetensorsFile &file(const std::string &name)
    {
        const auto found = m_map.find(name);
        if (found == m_map.end())
            throw EngineError(m_folder + " has no tensor '" + name + "'");
        auto &file = m_files[found->second];
        if (!file)
            file = std::make_unique<SafetensorsFile>((fs::path(m_folder) / found->second).string());
        if (!file->find(name))
            throw EngineError(file->path() + " has no tensor '" + name + "', which its index names");
        return *file;
    }

    std::string m_folder;
    std::map<std::string, std::string> m_map;
    std::map<std::string, std::unique_ptr<SafetensorsFile>> m_files;
};

// A float tensor's values in a ggml type, as the file stores them; quantised on all the engine's threads, each
// taking at least 64 Ki values.
std::string storedBytes(torch::Tensor value, GgmlType type)
{
    value = value.to(torch::kFloat32).contiguous();
    const float *values = value.data_ptr<float>();
    const std::size_t count = std::size_t(value.numel()), blockSize = ggmlBlockSize(type);
    const std::size_t blockBytes = ggmlBlockBytes(type);
    std::string bytes(quantizedBytes(count, type), '\0');
    auto *data = reinterpret_cast<std::uint8_t *>(bytes.data());
    parallelRuns(std::int64_t(count / blockSize), std::int64_t(std::max<std::size_t>(1, 65536 / blockSize)),
                 [&](std::int64_t begin, std::int64_t end) {
                     quantizeValues(values + std::size_t(begin) * blockSize, std::size_t(end - begin) * blockSize, type,
                                    data + std::size_t(begin) * blockBytes);
                 });
    return bytes;
}

// The adapter's matrices checked against the base model they are to be applied to.
std::shared_ptr<const LoraAdapter> adapterFor(const std::string &adapterFolder, Weights &base,
                                              const std::string &baseFolder)
{
    auto adapter = std::make_shared<const LoraAdapter>(readLoraAdapter(adapterFolder));
    for (const auto &[name, pair] : adapter->matrices) {
        const std::vector<std::int64_t> expected = {pair.second.size(0), pair.first.size(1)};
        if (!base.has(name) || base.shape(name) != expected)
            throw EngineError("The adapter " + adapterFolder + " does not fit the model " + baseFolder +
                              ": it adapts '" + name + "' as " + c10::str(c10::IntArrayRef(expected)) +
                              ", which the model " +
                              (base.has(name) ? "has as " + c10::str(c10::IntArrayRef(base.shape(name))) : "lacks"));
    }
    return adapter;
}

// llama.cpp's SentencePiece tokenizer merges the adjacent pair whose joined token scores highest; a Hugging Face
// BPE model merges by rank. Scores of minus the rank of the first merge that makes each token give the same
// choices; tokens no merge makes can only come from the text as they are (characters, bytes), and score lowest.
std::vector<float> scoresFromMerges(const BpeModel &model)
{
    std::vector<float> scores(static_cast<std::size_t>(model.size()), -1e9f);
    const std::vector<std::string> merges = model.merges();
    for (std::size_t rank = merges.size(); rank-- > 0;) {
        const std::string &merge = merges[rank];
        const std::size_t space = merge.find(' ');
        if (const auto id = model.id(merge.substr(0, space) + merge.substr(space + 1)))
            scores[std::size_t(*id)] = -float(rank);
    }
    return scores;
}

// The tokenizer's keys: byte-level BPE as "gpt2" with its merges and pre-tokenizer, SentencePiece-style as
// "llama" with scores; the token list padded to the model's vocabulary (its embedding rows), as llama.cpp needs.
void addTokenizer(GgufWriter &writer, const Tokenizer &tokenizer, std::int64_t vocabularySize,
                  const std::string &folder)
{
    const Tokenizer::Settings &settings = tokenizer.settings();
    const BpeModel &model = tokenizer.model();
    const bool sentencePiece = settings.kind == Tokenizer::Kind::SentencePiece;
    if (vocabularySize < tokenizer.vocabularySize())
        throw EngineError(folder + ": the tokenizer has " + std::to_string(tokenizer.vocabularySize()) +
                          " tokens but the model only " + std::to_string(vocabularySize) + " embeddings");
    enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };
    const auto size = std::size_t(vocabularySize);
    std::vector<std::string> tokens(size);
    std::vector<std::int32_t> types(size, Normal);
    std::vector<float> scores;
    if (sentencePiece) {
        scores = model.scores().empty() ? scoresFromMerges(model) : model.scores();
        scores.resize(size, -1e9f);
    }
    for (std::size_t id = 0; id < size; ++id) {
        tokens[id] = id < std::size_t(model.size()) ? model.token(std::int32_t(id)) : std::string();
        if (tokens[id].empty()) {
            tokens[id] = "[PAD" + std::to_string(id) + "]";
            types[id] = Unused;
        } else if (sentencePiece && model.fallbackByte(std::int32_t(id)) >= 0) {
            types[id] = Byte;
        }
    }
    for (const AddedToken &added : tokenizer.addedTokens()) {
        tokens[std::size_t(added.id)] = added.content;
        types[std::size_t(added.id)] = added.special ? Control : UserDefined;
        if (sentencePiece)
            scores[std::size_t(added.id)] = 0;
    }
    if (settings.unknown)
        types[std::size_t(*settings.unknown)] = Unknown;
    if (sentencePiece) {
        writer.addString("tokenizer.ggml.model", "llama");
        writer.addString("tokenizer.ggml.pre", "default");
        writer.addStrings("tokenizer.ggml.tokens", tokens);
        writer.addFloat32s("tokenizer.ggml.scores", scores);
        writer.addInt32s("tokenizer.ggml.token_type", types);
        writer.addBool("tokenizer.ggml.add_space_prefix", settings.spacePrefix != Tokenizer::SpacePrefix::None);
    } else {
        writer.addString("tokenizer.ggml.model", "gpt2");
        switch (settings.preTokenizer.value()) {
        case PreTokenizerKind::Gpt2:
            writer.addString("tokenizer.ggml.pre", "gpt-2");
            break;
        case PreTokenizerKind::Llama3:
            writer.addString("tokenizer.ggml.pre", "llama-bpe");
            break;
        case PreTokenizerKind::Qwen2:
            writer.addString("tokenizer.ggml.pre", "qwen2");
            break;
        }
        writer.addStrings("tokenizer.ggml.tokens", tokens);
        writer.addInt32s("tokenizer.ggml.token_type", types);
        writer.addStrings("tokenizer.ggml.merges", model.merges());
    }
    for (const auto &[key, id] : {std::pair<const char *, std::optional<std::int32_t>>{"bos", settings.bos},
                                  {"eos", settings.eos},
                                  {"unknown", settings.unknown},
                                  {"padding", settings.pad}}) {
        if (id)
            writer.addUInt32(std::string("tokenizer.ggml.") + key + "_token_id", std::uint32_t(*id));
    }
    writer.addBool("tokenizer.ggml.add_bos_token", settings.addBos);
    writer.addBool("tokenizer.ggml.add_eos_token", settings.addEos);
    if (!settings.chatTemplate.empty())
        writer.addString("tokenizer.chat_template", settings.chatTemplate);
}

} // namespace

std::optional<GgufFileType> ggufFileTypeFromName(const std::string &name)
{
    const auto lowercase = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return text;
    };
    for (const GgufFileType type : {GgufFileType::F32, GgufFileType::F16, GgufFileType::BF16, GgufFileType::Q8_0,
                                    GgufFileType::Q4_K_M, GgufFileType::Q5_K_M}) {
        if (lowercase(ggufFileTypeName(type)) == lowercase(name))
            return type;
    }
    return std::nullopt;
}

std::string ggufFileTypeName(GgufFileType type)
{
    switch (type) {
    case GgufFileType::F32:
        return "F32";
    case GgufFileType::F16:
        return "F16";
    case GgufFileType::BF16:
        return "BF16";
    case GgufFileType::Q8_0:
        return "Q8_0";
    case GgufFileType::Q4_K_M:
        return "Q4_K_M";
    case GgufFileType::Q5_K_M:
        break;
    }
    return "Q5_K_M";
}

namespace {

// The GGUF file of a model, ready to write (its tensors produced as they are written).
GgufWriter modelWriter(const std::string &modelFolder, const std::string &path, GgufFileType type,
                       const std::string &adapterFolder)
{
    const ModelConfig config = ModelConfig::fromFile((fs::path(modelFolder) / "config.json").string());
    const auto tokenizer = loadTokenizer(modelFolder);
    auto weights = std::make_shared<Weights>(modelFolder);
    const auto adapter = adapterFolder.empty() ? nullptr : adapterFor(adapterFolder, *weights, modelFolder);
    const bool qwen = config.family == ModelFamily::Qwen2;
    const std::string arch = ggufArchitecture(config.family);

    GgufWriter writer;
    writer.addString("general.architecture", arch);
    writer.addString("general.type", "model");
    writer.addString("general.name", fs::path(path).stem().string());
    writer.addUInt32("general.file_type", fileTypeId(type));
    const bool quantized = type == GgufFileType::Q8_0 || type == GgufFileType::Q4_K_M || type == GgufFileType::Q5_K_M;
    if (quantized)
        writer.addUInt32("general.quantization_version", 2);
    writer.addUInt32(arch + ".context_length", std::uint32_t(config.maxPositions));
    writer.addUInt32(arch + ".embedding_length", std::uint32_t(config.hiddenSize));
    writer.addUInt32(arch + ".block_count", std::uint32_t(config.layers));
    writer.addUInt32(arch + ".feed_forward_length", std::uint32_t(config.intermediateSize));
    writer.addUInt32(arch + ".attention.head_count", std::uint32_t(config.heads));
    writer.addUInt32(arch + ".attention.head_count_kv", std::uint32_t(config.kvHeads));
    writer.addFloat32(arch + ".attention.layer_norm_rms_epsilon", float(config.rmsNormEps));
    writer.addFloat32(arch + ".rope.freq_base", float(config.ropeTheta));
    if (config.headDim != config.hiddenSize / config.heads) {
        writer.addUInt32(arch + ".attention.key_length", std::uint32_t(config.headDim));
        writer.addUInt32(arch + ".attention.value_length", std::uint32_t(config.headDim));
    }
    if (!qwen) {
        writer.addUInt32("llama.rope.dimension_count", std::uint32_t(config.headDim));
        writer.addUInt32("llama.vocab_size", std::uint32_t(config.vocabSize));
    }
    if (config.ropeScaling.type == "linear") {
        writer.addString(arch + ".rope.scaling.type", "linear");
        writer.addFloat32(arch + ".rope.scaling.factor", float(config.ropeScaling.factor));
    }
    addTokenizer(writer, *tokenizer, config.vocabSize, modelFolder);

    const bool tied = config.tieWordEmbeddings || !weights->has("lm_head.weight");
    const auto addWeight = [&](const std::string &hfName, std::int64_t layer) {
        const std::string ggufName = ggufTensorName(hfName).value();
        const std::int64_t permuteHeads = ggufRopeHeads(config, ggufName);
        const std::vector<std::int64_t> shape = weights->shape(hfName);
        const std::vector<std::uint64_t> dims(shape.rbegin(), shape.rend()); // ggml order: innermost first
        const bool matrix = shape.size() == 2;
        const GgmlType stored =
            matrix ? weightType(type, ggufName, layer, config.layers, tied, dims[0]) : GgmlType::F32;
        writer.addTensor(ggufName, dims, std::uint32_t(stored), [=] {
            torch::Tensor value = weights->load(hfName);
            if (adapter && adapter->matrices.count(hfName)) { // merged: W + s·B·A
                const auto &[a, b] = adapter->matrices.at(hfName);
                value += torch::matmul(b, a) * adapter->settings.scaling();
            }
            if (permuteHeads > 0)
                value = permuteForGgufRope(value, permuteHeads, true);
            return storedBytes(value, stored);
        });
    };

    addWeight("model.embed_tokens.weight", -1);
    for (std::int64_t i = 0; i < config.layers; ++i) {
        for (const auto &[suffix, ggufSuffix] : ggufLayerTensors()) {
            const std::string hfName = "model.layers." + std::to_string(i) + "." + suffix;
            if (suffix.find(".bias") == std::string::npos || weights->has(hfName)) // biases: Qwen2's only
                addWeight(hfName, i);
        }
    }
    addWeight("model.norm.weight", -1);
    if (!tied)
        addWeight("lm_head.weight", -1);
    if (config.ropeScaling.type == "llama3") {
        // llama.cpp divides each RoPE frequency by its factor: the plain frequencies over the scaled ones.
        ModelConfig plain = config;
        plain.ropeScaling = RopeScaling();
        const torch::Tensor factors =
            (ropeInverseFrequencies(plain) / ropeInverseFrequencies(config)).to(torch::kFloat32).contiguous();
        writer.addTensor("rope_freqs.weight", {std::uint64_t(factors.numel())}, std::uint32_t(GgmlType::F32),
                         [=] { return storedBytes(factors, GgmlType::F32); });
    }
    return writer;
}

// The GGUF adapter file of a PEFT adapter, ready to write.
GgufWriter adapterWriter(const std::string &adapterFolder, const std::string &baseFolder, const std::string &path)
{
    const ModelConfig config = ModelConfig::fromFile((fs::path(baseFolder) / "config.json").string());
    Weights base(baseFolder);
    const auto adapter = adapterFor(adapterFolder, base, baseFolder);
    GgufWriter writer;
    writer.addString("general.architecture", ggufArchitecture(config.family));
    writer.addString("general.type", "adapter");
    writer.addString("general.name", fs::path(path).stem().string());
    writer.addString("adapter.type", "lora");
    // llama.cpp scales an adapter by alpha / rank; this alpha gives PEFT's scale, rsLoRA's alpha / √rank too.
    writer.addFloat32("adapter.lora.alpha", float(adapter->settings.scaling() * double(adapter->settings.rank)));
    // A (rank × in) and B (out × rank) as ggml stores them, in layer order; B's rows permuted like the weight's.
    for (std::int64_t i = 0; i < config.layers; ++i) {
        for (const auto &layerTensor : ggufLayerTensors()) {
            const auto found = adapter->matrices.find("model.layers." + std::to_string(i) + "." + layerTensor.first);
            if (found == adapter->matrices.end())
                continue;
            const std::string ggufName = ggufTensorName(found->first).value();
            const std::int64_t permuteHeads = ggufRopeHeads(config, ggufName);
            const torch::Tensor a = found->second.first, b = found->second.second;
            writer.addTensor(ggufName + ".lora_a", {std::uint64_t(a.size(1)), std::uint64_t(a.size(0))},
                             std::uint32_t(GgmlType::F32), [a] { return storedBytes(a, GgmlType::F32); });
            writer.addTensor(ggufName + ".lora_b", {std::uint64_t(b.size(1)), std::uint64_t(b.size(0))},
                             std::uint32_t(GgmlType::F32), [b, permuteHeads] {
                                 return storedBytes(permuteHeads > 0 ? permuteForGgufRope(b, permuteHeads, true) : b,
                                                    GgmlType::F32);
                             });
        }
    }
    return writer;
}

} // namespace

void exportGguf(const std::string &modelFolder, const std::string &path, GgufFileType type,
                const EngineProgress &progress, const std::string &adapterFolder)
{
    modelWriter(modelFolder, path, type, adapterFolder).write(path, progress);
}

std::uint64_t ggufFileSize(const std::string &modelFolder, const std::string &path, GgufFileType type)
{
    return modelWriter(modelFolder, path, type, {}).fileSize();
}

void exportGgufAdapter(const std::string &adapterFolder, const std::string &baseFolder, const std::string &path,
                       const EngineProgress &progress)
{
    adapterWriter(adapterFolder, baseFolder, path).write(path, progress);
}

std::uint64_t ggufAdapterFileSize(const std::string &adapterFolder, const std::string &baseFolder,
                                  const std::string &path)
{
    return adapterWriter(adapterFolder, baseFolder, path).fileSize();
}

} // namespace mtm::engine
