#include "engine/train/TrainingConfig.h"

#include "engine/EngineError.h"

#include <algorithm>
#include <vector>

namespace mtm::engine {
namespace {

using nlohmann::json;

// Reads a job's fields and remembers each field it was asked for, so that any other field — a misspelt
// setting, which would otherwise be ignored without a word — can be refused.
class FieldReader
{
public:
    FieldReader(const json &source, const std::string &where)
        : m_source(source)
        , m_where(where)
    {}

    template <typename T> void read(const char *key, T &target)
    {
        m_known.emplace_back(key);
        if (!m_source.contains(key) || m_source[key].is_null())
            return;
        try {
            target = m_source[key].get<T>();
        } catch (const json::exception &) {
            throw EngineError(m_where + ": \"" + key + "\" has the wrong type (" + m_source[key].dump() + ")");
        }
    }
    // The field's value when it is there and of the given kind (a field of another kind is left out).
    const json *find(const char *key, json::value_t kind)
    {
        m_known.emplace_back(key);
        return m_source.contains(key) && m_source[key].type() == kind ? &m_source[key] : nullptr;
    }
    // Fields that describe or find the job rather than set it.
    void allow(const char *key) { m_known.emplace_back(key); }

    void refuseUnknownFields() const;

private:
    const json &m_source;
    const std::string &m_where;
    std::vector<std::string> m_known;
};

void require(bool condition, const std::string &where, const std::string &what)
{
    if (!condition)
        throw EngineError(where + ": " + what);
}

std::size_t editDistance(const std::string &a, const std::string &b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

void FieldReader::refuseUnknownFields() const
{
    for (const auto &item : m_source.items()) {
        if (std::find(m_known.begin(), m_known.end(), item.key()) != m_known.end())
            continue;
        std::string message = "unknown setting \"" + item.key() + "\"";
        const auto closest = std::min_element(m_known.begin(), m_known.end(), [&](const auto &a, const auto &b) {
            return editDistance(item.key(), a) < editDistance(item.key(), b);
        });
        if (closest != m_known.end() && editDistance(item.key(), *closest) <= 3)
            message += " (did you mean \"" + *closest + "\"?)";
        throw EngineError(m_where + ": " + message + "; the settings are listed in docs/training.md");
    }
}

} // namespace

std::string TrainingConfig::methodId() const
{
    switch (method) {
    case TrainingMethod::Qlora:
        return "qlora";
    case TrainingMethod::Lora:
        return "lora";
    case TrainingMethod::FastLora:
        return "unsloth";
    case TrainingMethod::Full:
        break;
    }
    return "standard";
}

std::string TrainingConfig::outputFolderName() const
{
    switch (method) {
    case TrainingMethod::Qlora:
        return "qlora_model";
    case TrainingMethod::Lora:
    case TrainingMethod::FastLora:
        return "lora_model";
    case TrainingMethod::Full:
        break;
    }
    return "standard_model";
}

TrainingConfig TrainingConfig::fromJson(const json &source, const std::string &where)
{
    if (!source.is_object())
        throw EngineError(where + ": a training configuration is a JSON object");
    FieldReader fields(source, where);
    TrainingConfig c;
    std::string type = "qlora";
    fields.read("training_type", type);
    if (type == "qlora")
        c.method = TrainingMethod::Qlora;
    else if (type == "unsloth" || type == "fast_lora")
        c.method = TrainingMethod::FastLora;
    else if (type == "lora")
        c.method = TrainingMethod::Lora;
    else if (type == "standard" || type == "full")
        c.method = TrainingMethod::Full;
    else if (type == "rag")
        throw EngineError(where + ": RAG jobs build a vector index, not a fine-tune; they are not run by the trainer");
    else
        throw EngineError(where + ": unknown training_type \"" + type + "\" (qlora, unsloth, lora, standard or rag)");

    fields.read("model_name", c.baseModel);
    fields.read("dataset", c.records);
    fields.read("output_dir", c.outputDirectory);
    fields.read("epochs", c.epochs);
    fields.read("batch_size", c.batchSize);
    fields.read("gradient_accumulation_steps", c.gradientAccumulation);
    fields.read("learning_rate", c.learningRate);
    fields.read("weight_decay", c.weightDecay);
    std::string schedule = "linear";
    fields.read("lr_scheduler_type", schedule);
    if (schedule == "linear")
        c.schedule = LearningRateSchedule::Linear;
    else if (schedule == "cosine")
        c.schedule = LearningRateSchedule::Cosine;
    else if (schedule == "constant" || schedule == "constant_with_warmup")
        c.schedule = LearningRateSchedule::Constant;
    else
        throw EngineError(where + ": unknown lr_scheduler_type \"" + schedule + "\" (linear, cosine or constant)");
    fields.read("warmup_ratio", c.warmupRatio);
    fields.read("warmup_steps", c.warmupSteps);
    fields.read("max_grad_norm", c.maxGradNorm);
    fields.read("max_seq_length", c.maxSequenceLength);
    fields.read("train_on_prompts", c.trainOnPrompts);
    fields.read("eval_split", c.evalFraction);
    fields.read("eval_count", c.evalCount);
    fields.read("eval_steps", c.evalEvery);
    fields.read("seed", c.seed);
    fields.read("lora_r", c.lora.rank);
    fields.read("lora_alpha", c.lora.alpha);
    fields.read("lora_dropout", c.lora.dropout);
    fields.read("use_rslora", c.lora.rsLora);
    fields.read("target_modules", c.lora.targets);
    fields.read("load_in_4bit", c.baseIn4Bit);
    fields.read("packing", c.packing);
    if (const json *value = fields.find("gradient_checkpointing", json::value_t::boolean))
        c.gradientCheckpointing = value->get<bool>();
    fields.read("dtype", c.dtype);
    fields.read("device", c.device);
    fields.read("save_steps", c.checkpointEvery);
    fields.read("save_minutes", c.checkpointMinutes);
    fields.read("save_total_limit", c.keepCheckpoints);
    fields.read("max_shard_size", c.maxShardBytes);
    if (const json *value = fields.find("chat_format", json::value_t::string)) {
        c.chatFormat = ChatTemplate::formatFromId(value->get<std::string>());
        require(c.chatFormat.has_value(), where, "unknown chat_format " + value->dump());
    }
    for (const char *key : {"name", "description", "dataset_id"})
        fields.allow(key);
    fields.refuseUnknownFields();

    require(!c.baseModel.empty(), where, "model_name (the base model folder) is missing");
    require(!c.records.empty(), where, "dataset (the records to train on) is missing");
    require(c.epochs >= 1 && c.epochs <= 1000, where, "epochs must be 1 to 1000");
    require(c.batchSize >= 1 && c.batchSize <= 4096, where, "batch_size must be 1 to 4096");
    require(c.gradientAccumulation >= 1, where, "gradient_accumulation_steps must be at least 1");
    require(c.learningRate > 0 && c.learningRate < 1, where, "learning_rate must be above 0 and below 1");
    require(c.weightDecay >= 0, where, "weight_decay must not be negative");
    require(c.warmupRatio >= 0 && c.warmupRatio < 1, where, "warmup_ratio must be in [0, 1)");
    require(c.maxGradNorm >= 0, where, "max_grad_norm must not be negative (0 turns clipping off)");
    require(c.maxSequenceLength >= 8, where, "max_seq_length must be at least 8");
    require(c.evalFraction >= 0 && c.evalFraction < 1, where, "eval_split must be in [0, 1)");
    require(c.evalCount >= 0 && c.evalEvery >= 0, where, "eval_count and eval_steps must not be negative");
    require(c.lora.rank >= 1 && c.lora.rank <= 4096, where, "lora_r must be 1 to 4096");
    require(c.lora.alpha > 0, where, "lora_alpha must be above 0");
    require(c.lora.dropout >= 0 && c.lora.dropout < 1, where, "lora_dropout must be in [0, 1)");
    if (c.usesFastPath()) {
        // The fast path's kernels keep no dropout mask; like Unsloth's fast path it trains without dropout.
        if (!source.contains("lora_dropout"))
            c.lora.dropout = 0;
        require(c.lora.dropout == 0, where,
                "the fast LoRA path (unsloth) trains without LoRA dropout: set lora_dropout to 0, or choose "
                "training_type lora to train with dropout");
    }
    require(c.dtype == "auto" || c.dtype == "float32" || c.dtype == "bfloat16", where,
            "dtype must be auto, float32 or bfloat16");
    require(c.device == "auto" || c.device == "cpu" || c.device == "cuda", where, "device must be auto, cpu or cuda");
    require(c.checkpointEvery >= 0 && c.checkpointMinutes >= 0 && c.keepCheckpoints >= 1, where,
            "save_steps and save_minutes must not be negative and save_total_limit at least 1");
    return c;
}

json TrainingConfig::toJson() const
{
    json out = fingerprint();
    out["model_name"] = baseModel;
    out["dataset"] = records;
    out["output_dir"] = outputDirectory;
    out["eval_steps"] = evalEvery;
    out["save_steps"] = checkpointEvery;
    out["save_minutes"] = checkpointMinutes;
    out["save_total_limit"] = keepCheckpoints;
    out["max_shard_size"] = maxShardBytes;
    out["device"] = device;
    if (gradientCheckpointing)
        out["gradient_checkpointing"] = *gradientCheckpointing;
    return out;
}

json TrainingConfig::fingerprint() const
{
    static const char *schedules[] = {"linear", "cosine", "constant"};
    json out = {
        {"training_type", methodId()},
        {"epochs", epochs},
        {"batch_size", batchSize},
        {"gradient_accumulation_steps", gradientAccumulation},
        {"learning_rate", learningRate},
        {"weight_decay", weightDecay},
        {"lr_scheduler_type", schedules[int(schedule)]},
        {"warmup_ratio", warmupRatio},
        {"warmup_steps", warmupSteps},
        {"max_grad_norm", maxGradNorm},
        {"max_seq_length", maxSequenceLength},
        {"train_on_prompts", trainOnPrompts},
        {"eval_split", evalFraction},
        {"eval_count", evalCount},
        {"seed", seed},
        {"lora_r", lora.rank},
        {"lora_alpha", lora.alpha},
        {"lora_dropout", lora.dropout},
        {"use_rslora", lora.rsLora},
        {"target_modules", lora.targets},
        {"load_in_4bit", baseIn4Bit},
        {"packing", packing},
        {"dtype", dtype},
    };
    if (chatFormat)
        out["chat_format"] = ChatTemplate::formatId(*chatFormat);
    return out;
}

} // namespace mtm::engine
