// A conversation as training and generation need it: the token ids of its rendering, exactly as the tokenizer
// encodes the whole text, with a mask of the tokens the model learns.
#pragma once

#include "engine/chat/ChatTemplate.h"

#include <cstdint>
#include <vector>

namespace mtm::engine {

class Tokenizer;

struct EncodedChat
{
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> learned; // 1 for tokens of the assistant's replies (and their end markers)
};

// learnPrompts: every token is learned, not only the replies.
EncodedChat encodeChat(const Tokenizer &tokenizer, const ChatTemplate &chat, const std::vector<ChatMessage> &messages,
                       bool addGenerationPrompt, bool learnPrompts = false);

} // namespace mtm::engine
