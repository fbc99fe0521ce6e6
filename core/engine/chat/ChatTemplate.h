// The chat formats of Llama 3 (3.0 and 3.1/3.2), ChatML (Qwen), Mistral, Gemma, Phi-3 and a plain alpaca-style
// format: detected from a model's Jinja chat_template and rendered exactly as that template renders a
// conversation, with the spans the model learns (the assistant's replies and their end markers) marked.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtm::engine {

class Tokenizer;

enum class ChatFormat { Llama3, Llama31, ChatMl, Mistral, Gemma, Phi3, Alpaca };

struct ChatMessage
{
    std::string role; // "system", "user" or "assistant"
    std::string content;
};

struct RenderedChat
{
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> learnedSpans; // byte ranges [begin, end) of the replies
};

class ChatTemplate
{
public:
    ChatTemplate(ChatFormat format, std::string bosToken, std::string eosToken);

    // The format a Jinja chat template implements, if it is one of the known ones.
    static std::optional<ChatFormat> detect(const std::string &jinja);
    // The format of a Jinja template (or `format` when given; alpaca when neither), with the settings the
    // template text carries (ChatML's default system message).
    static ChatTemplate fromJinja(const std::string &jinja, std::string bosToken, std::string eosToken,
                                  std::optional<ChatFormat> format = std::nullopt);
    // The tokenizer's own template, with its BOS and EOS tokens.
    static ChatTemplate forTokenizer(const Tokenizer &tokenizer, std::optional<ChatFormat> format = std::nullopt);

    static std::string
    formatId(ChatFormat format); // "llama3", "llama31", "chatml", "mistral", "gemma", "phi3", "alpaca"
    static std::optional<ChatFormat> formatFromId(const std::string &id);

    // Throws EngineError where the real template raises (a system message for Gemma, roles that do not
    // alternate for Mistral and Gemma, unknown roles).
    RenderedChat render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const;

    // The texts that end the assistant's turn: generation stops at these tokens.
    std::vector<std::string> stopTokens() const;

    // The same format in Ollama's template language (Go text/template over .Messages, each with .Role and
    // .Content): for a conversation it renders render(messages, true) — without the BOS token when the runtime
    // adds one itself (the GGUF's add_bos_token). Message text is not trimmed (Go templates cannot), so
    // conversations whose messages begin or end with white space render without the trimming Llama 3 and Gemma do.
    std::string ollamaTemplate(bool runtimeAddsBos) const;

    ChatFormat format() const { return m_format; }
    // ChatML's system message when the conversation has none (Qwen2.5: "You are Qwen, created by ...").
    void setDefaultSystem(std::string text) { m_defaultSystem = std::move(text); }
    // Llama 3.1/3.2's "Today Date" line; the template's own fallback date by default, so that renderings repeat.
    void setDateString(std::string date) { m_dateString = std::move(date); }

private:
    std::string ollamaTemplateBody() const; // without the BOS token

    ChatFormat m_format;
    std::string m_bos;
    std::string m_eos;
    std::string m_defaultSystem;
    std::string m_dateString = "26 Jul 2024";
};

} // namespace mtm::engine
