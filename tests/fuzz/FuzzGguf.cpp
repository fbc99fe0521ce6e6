// libFuzzer target: a GGUF file, its metadata, tensor directory and tokenizer.
#include "FuzzInput.h"

#include "engine/EngineError.h"
#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace mtm::engine;
    try {
        const GgufFile file(mtm::fuzz::inputFile(data, size, "model.gguf"));
        for (const auto &[key, value] : file.metadata()) {
            if (!value.isArray() || value.arraySize > (1u << 20))
                continue;
            try {
                if (value.elementType == GgufType::String)
                    file.stringArray(key);
                else if (value.elementType == GgufType::F32 || value.elementType == GgufType::F64)
                    file.realArray(key);
                else if (value.elementType != GgufType::Array)
                    file.integerArray(key);
            } catch (const EngineError &) {
            }
        }
        const auto tokenizer = loadTokenizerFromGguf(file);
        tokenizer->decode(tokenizer->encode("Hello world! <s> 123 ünï"));
    } catch (const EngineError &) {
    }
    return 0;
}
