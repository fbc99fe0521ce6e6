// libFuzzer target: a Hugging Face tokenizer.json, loaded and then used to encode and decode a text.
#include "FuzzInput.h"

#include "engine/EngineError.h"
#include "engine/tokenizer/TokenizerLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace mtm::engine;
    try {
        const std::string path = mtm::fuzz::inputFile(data, size, "tokenizer.json");
        const auto tokenizer = loadTokenizerJson(path, path + ".absent");
        tokenizer->decode(tokenizer->encode("Hello world!\n  <|im_start|> 123 ünï 😀"));
    } catch (const EngineError &) {
    }
    return 0;
}
