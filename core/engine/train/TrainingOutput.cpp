#include "engine/train/TrainingOutput.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/DurableFiles.h"
#include "engine/model/Checkpoint.h"
#include "engine/train/Lora.h"

#include <filesystem>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

void writeJson(const fs::path &path, const nlohmann::json &json)
{
    writeFileAtomically(path.string(), json.dump(2) + "\n");
}

} // namespace

std::vector<std::string> tokenizerFiles(const std::string &modelDirectory)
{
    std::vector<std::string> found;
    for (const char *name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
                             "chat_template.jinja", "vocab.json", "merges.txt"}) {
        if (fs::is_regular_file(fs::path(modelDirectory) / name))
            found.emplace_back(name);
    }
    return found;
}

std::string writeTrainingOutput(const TrainingConfig &config, TrainingSetup &setup, const TrainerState &state)
{
    const fs::path target = fs::path(config.outputDirectory) / config.outputFolderName();
    const fs::path partial = fs::path(config.outputDirectory) / ("." + config.outputFolderName() + ".partial");
    std::error_code error;
    fs::remove_all(partial, error);
    fs::create_directories(partial, error);
    if (error)
        throw EngineError("Cannot create " + partial.string() + ": " + error.message(), EngineError::Kind::Io);

    if (config.usesLora()) {
        saveLoraAdapter(*setup.model, config.lora, partial.string(), config.baseModel);
    } else {
        const GenerationConfig generation =
            GenerationConfig::fromFile((fs::path(config.baseModel) / "generation_config.json").string());
        saveTransformer(*setup.model, partial.string(), setup.dtype, generation, config.maxShardBytes);
    }
    for (const std::string &name : tokenizerFiles(config.baseModel))
        copyFileDurably((fs::path(config.baseModel) / name).string(), (partial / name).string());
    writeJson(partial / "training_config.json", config.toJson());
    writeJson(partial / "trainer_state.json", state.toJson());
    replaceFolder(partial.string(), target.string());
    return target.string();
}

} // namespace mtm::engine
