// libFuzzer target: a safetensors file, header and tensors. Refusals (EngineError) are expected; anything else
// (a crash, a leak, another exception, a sanitizer report) is a bug.
#include "FuzzInput.h"

#include "engine/EngineError.h"
#include "engine/io/Safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        const mtm::engine::SafetensorsFile file(mtm::fuzz::inputFile(data, size, "model.safetensors"));
        for (const auto &entry : file.entries()) {
            try {
                file.load(entry.name);
            } catch (const mtm::engine::EngineError &) {
            }
        }
    } catch (const mtm::engine::EngineError &) {
    }
    return 0;
}
