// libFuzzer target: a model's config.json.
#include "FuzzInput.h"

#include "engine/EngineError.h"
#include "engine/model/ModelConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace mtm::engine;
    try {
        const ModelConfig config = ModelConfig::fromFile(mtm::fuzz::inputFile(data, size, "config.json"));
        config.toJson().dump();
    } catch (const EngineError &) {
    }
    return 0;
}
