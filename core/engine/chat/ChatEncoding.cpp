#include "engine/chat/ChatEncoding.h"

#include "engine/tokenizer/Tokenizer.h"

#include <algorithm>

namespace mtm::engine {
namespace {

struct Boundary
{
    std::size_t tokens = 0; // tokens of `full` that the text before the boundary produces whole
    bool straddled = false; // a token of `full` spans the boundary
};

Boundary boundaryAt(const Tokenizer &tokenizer, const std::string &text, std::size_t position,
                    const std::vector<std::int32_t> &full)
{
    if (position >= text.size())
        return {full.size(), false};
    const std::vector<std::int32_t> prefix =
        tokenizer.encode(std::string_view(text).substr(0, position), {false, true});
    const auto mismatch = std::mismatch(prefix.begin(), prefix.end(), full.begin(), full.end());
    const auto agreeing = static_cast<std::size_t>(mismatch.first - prefix.begin());
    return {agreeing, agreeing < prefix.size()};
}

} // namespace

EncodedChat encodeChat(const Tokenizer &tokenizer, const ChatTemplate &chat, const std::vector<ChatMessage> &messages,
                       bool addGenerationPrompt, bool learnPrompts)
{
    const RenderedChat rendered = chat.render(messages, addGenerationPrompt);
    EncodedChat encoded;
    encoded.ids = tokenizer.encode(rendered.text, {false, true});
    encoded.learned.assign(encoded.ids.size(), learnPrompts ? 1 : 0);
    if (learnPrompts)
        return encoded;
    // A token that straddles the edge of a reply holds some of the reply: it is learned.
    for (const auto &[begin, end] : rendered.learnedSpans) {
        const std::size_t first = boundaryAt(tokenizer, rendered.text, begin, encoded.ids).tokens;
        const Boundary last = boundaryAt(tokenizer, rendered.text, end, encoded.ids);
        const std::size_t stop = std::min(encoded.ids.size(), last.tokens + (last.straddled ? 1 : 0));
        for (std::size_t i = first; i < stop; ++i)
            encoded.learned[i] = 1;
    }
    return encoded;
}

} // namespace mtm::engine
