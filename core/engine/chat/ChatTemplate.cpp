#include "engine/chat/ChatTemplate.h"

#include "engine/EngineError.h"
#include "engine/tokenizer/Tokenizer.h"
#include "engine/tokenizer/Unicode.h"

namespace mtm::engine {
namespace {

const char kAlpacaSystem[] =
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

// Jinja's trim: white space off both ends.
std::string trim(const std::string &text)
{
    auto isSpace = [](char32_t c) { return unicode::isWhiteSpace(c); };
    std::size_t begin = 0, end = text.size();
    while (begin < end) {
        std::size_t next = begin;
        if (!isSpace(unicode::decodeUtf8(text, next)))
            break;
        begin = next;
    }
    while (end > begin) {
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        std::size_t probe = start;
        if (!isSpace(unicode::decodeUtf8(text, probe)))
            break;
        end = start;
    }
    return text.substr(begin, end - begin);
}

// Builds the rendering, remembering which appended parts the model learns.
class Writer
{
public:
    void text(const std::string &part) { m_chat.text += part; }
    void learned(const std::string &part)
    {
        if (part.empty())
            return;
        const std::size_t begin = m_chat.text.size();
        m_chat.text += part;
        if (!m_chat.learnedSpans.empty() && m_chat.learnedSpans.back().second == begin)
            m_chat.learnedSpans.back().second = m_chat.text.size();
        else
            m_chat.learnedSpans.emplace_back(begin, m_chat.text.size());
    }
    RenderedChat take() { return std::move(m_chat); }

private:
    RenderedChat m_chat;
};

void checkRoles(const std::vector<ChatMessage> &messages)
{
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const std::string &role = messages[i].role;
        if (role != "system" && role != "user" && role != "assistant")
            throw EngineError("message " + std::to_string(i + 1) + " has the role '" + role +
                              "'; chat templates take system, user and assistant");
    }
}

// Mistral and Gemma: user, assistant, user, ... (after an optional system message for Mistral).
void checkAlternation(const std::vector<ChatMessage> &messages, std::size_t first, const std::string &format)
{
    for (std::size_t i = first; i < messages.size(); ++i) {
        const bool userTurn = (i - first) % 2 == 0;
        if ((messages[i].role == "user") != userTurn)
            throw EngineError(format +
                              " conversations must alternate user/assistant/user/assistant/... after an "
                              "optional system message (message " +
                              std::to_string(i + 1) + " is '" + messages[i].role + "')");
    }
}

} // namespace

ChatTemplate::ChatTemplate(ChatFormat format, std::string bosToken, std::string eosToken)
    : m_format(format)
    , m_bos(std::move(bosToken))
    , m_eos(std::move(eosToken))
{}

std::optional<ChatFormat> ChatTemplate::detect(const std::string &jinja)
{
    auto has = [&](const char *marker) { return jinja.find(marker) != std::string::npos; };
    if (has("<|start_header_id|>"))
        return has("Cutting Knowledge Date") ? ChatFormat::Llama31 : ChatFormat::Llama3;
    if (has("<|im_start|>"))
        return ChatFormat::ChatMl;
    if (has("<start_of_turn>"))
        return ChatFormat::Gemma;
    if (has("<|user|>") && has("<|assistant|>"))
        return ChatFormat::Phi3;
    if (has("[INST]"))
        return ChatFormat::Mistral;
    if (has("### Instruction"))
        return ChatFormat::Alpaca;
    return std::nullopt;
}

std::string ChatTemplate::formatId(ChatFormat format)
{
    switch (format) {
    case ChatFormat::Llama3:
        return "llama3";
    case ChatFormat::Llama31:
        return "llama31";
    case ChatFormat::ChatMl:
        return "chatml";
    case ChatFormat::Mistral:
        return "mistral";
    case ChatFormat::Gemma:
        return "gemma";
    case ChatFormat::Phi3:
        return "phi3";
    case ChatFormat::Alpaca:
        break;
    }
    return "alpaca";
}

std::optional<ChatFormat> ChatTemplate::formatFromId(const std::string &id)
{
    for (const ChatFormat format : {ChatFormat::Llama3, ChatFormat::Llama31, ChatFormat::ChatMl, ChatFormat::Mistral,
                                    ChatFormat::Gemma, ChatFormat::Phi3, ChatFormat::Alpaca}) {
        if (formatId(format) == id)
            return format;
    }
    return std::nullopt;
}

ChatTemplate ChatTemplate::fromJinja(const std::string &jinja, std::string bosToken, std::string eosToken,
                                     std::optional<ChatFormat> format)
{
    if (!format)
        format = detect(jinja);
    ChatTemplate chat(format.value_or(ChatFormat::Alpaca), std::move(bosToken), std::move(eosToken));
    if (chat.m_format == ChatFormat::ChatMl) {
        // The default system message is written into the template: '<|im_start|>system\nYou are ...<|im_end|>'.
        const std::string marker = "<|im_start|>system\\n";
        for (std::size_t at = jinja.find(marker); at != std::string::npos; at = jinja.find(marker, at + 1)) {
            const std::size_t start = at + marker.size();
            const std::size_t end = jinja.find("<|im_end|>", start);
            if (end != std::string::npos && jinja[start] != '\'' && jinja[start] != '"' &&
                jinja.compare(start, 2, "{{") != 0) {
                chat.setDefaultSystem(jinja.substr(start, end - start));
                break;
            }
        }
    }
    return chat;
}

ChatTemplate ChatTemplate::forTokenizer(const Tokenizer &tokenizer, std::optional<ChatFormat> format)
{
    auto piece = [&](const std::optional<std::int32_t> &id) { return id ? tokenizer.piece(*id) : std::string(); };
    // The alpaca format starts with BOS only for tokenizers that add one to every text.
    const std::optional<std::int32_t> bos = tokenizer.settings().addBos ? tokenizer.settings().bos : std::nullopt;
    const std::string &jinja = tokenizer.settings().chatTemplate;
    const bool alpaca = format ? *format == ChatFormat::Alpaca : !detect(jinja);
    return fromJinja(jinja, piece(alpaca ? bos : tokenizer.settings().bos), piece(tokenizer.settings().eos), format);
}

std::vector<std::string> ChatTemplate::stopTokens() const
{
    switch (m_format) {
    case ChatFormat::Llama3:
    case ChatFormat::Llama31:
        return {"<|eot_id|>", m_eos};
    case ChatFormat::ChatMl:
        return {"<|im_end|>", m_eos};
    case ChatFormat::Gemma:
        return {"<end_of_turn>", m_eos};
    case ChatFormat::Phi3:
        return {"<|end|>", m_eos};
    case ChatFormat::Mistral:
    case ChatFormat::Alpaca:
        break;
    }
    return {m_eos};
}

namespace {

// Text as a Go string literal, so that template text of any kind ({{, quotes, new lines) stays text.
std::string goString(const std::string &text)
{
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '\\' || c == '"')
            quoted += '\\';
        if (c == '\n')
            quoted += "\\n";
        else
            quoted += c;
    }
    return quoted + "\"";
}

} // namespace

std::string ChatTemplate::ollamaTemplate(bool runtimeAddsBos) const
{
    const bool startsWithBos = m_format != ChatFormat::ChatMl && m_format != ChatFormat::Phi3;
    const std::string bos = startsWithBos && !runtimeAddsBos && !m_bos.empty() ? "{{ " + goString(m_bos) + " }}" : "";
    return bos + ollamaTemplateBody();
}

std::string ChatTemplate::ollamaTemplateBody() const
{
    // Ollama's .Messages holds the system message too (first, when there is one); `index .Messages 0` is it.
    const std::string firstIsSystem = "(eq (index $.Messages 0).Role \"system\")";
    const std::string eos = "{{ " + goString(m_eos) + " }}";
    switch (m_format) {
    case ChatFormat::Llama3:
        return "{{ range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>"
               "{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n";
    case ChatFormat::Llama31:
        return "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: " +
               m_dateString + "\n\n{{ if " + firstIsSystem +
               " }}{{ (index .Messages 0).Content }}{{ end }}<|eot_id|>"
               "{{ range $i, $m := .Messages }}{{ if or $i (ne $m.Role \"system\") }}"
               "<|start_header_id|>{{ $m.Role }}<|end_header_id|>\n\n{{ $m.Content }}<|eot_id|>{{ end }}{{ end }}"
               "<|start_header_id|>assistant<|end_header_id|>\n\n";
    case ChatFormat::ChatMl:
        return (m_defaultSystem.empty() ? std::string()
                                        : "{{ if not " + firstIsSystem + " }}<|im_start|>system\n{{ " +
                                              goString(m_defaultSystem) + " }}<|im_end|>\n{{ end }}") +
               "{{ range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end "
               "}}<|im_start|>assistant\n";
    case ChatFormat::Mistral:
        // The system message goes into the last message, when that is the user's.
        return "{{ range $i, $m := .Messages }}{{ if eq $m.Role \"user\" }}[INST]{{ if and (eq (len (slice $.Messages "
               "$i)) 1) " +
               firstIsSystem + " }}{{ (index $.Messages 0).Content }}\n\n{{ end }}{{ $m.Content }}[/INST]" +
               "{{ else if eq $m.Role \"assistant\" }}{{ $m.Content }}" + eos + "{{ end }}{{ end }}";
    case ChatFormat::Gemma:
        return "{{ range .Messages }}{{ if eq .Role \"assistant\" }}<start_of_turn>model\n{{ .Content }}<end_of_turn>\n"
               "{{ else }}<start_of_turn>{{ .Role }}\n{{ .Content }}<end_of_turn>\n{{ end }}{{ end }}"
               "<start_of_turn>model\n";
    case ChatFormat::Phi3:
        return "{{ range .Messages }}{{ if or (ne .Role \"system\") .Content }}<|{{ .Role }}|>\n{{ .Content }}<|end|>\n"
               "{{ end }}{{ end }}<|assistant|>\n";
    case ChatFormat::Alpaca:
        break;
    }
    return "{{ if " + firstIsSystem + " }}{{ (index .Messages 0).Content }}{{ else }}{{ " + goString(kAlpacaSystem) +
           " }}{{ end }}\n\n{{ range $i, $m := .Messages }}{{ if eq $m.Role \"user\" }}### Instruction:\n"
           "{{ $m.Content }}\n\n### Response:\n{{ else if eq $m.Role \"assistant\" }}{{ $m.Content }}" +
           eos + "\n\n{{ else if $i }}{{ $m.Content }}\n\n{{ end }}{{ end }}";
}

RenderedChat ChatTemplate::render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt) const
{
    checkRoles(messages);
    Writer out;
    const bool hasSystem = !messages.empty() && messages.front().role == "system";
    switch (m_format) {
    case ChatFormat::Llama31: {
        out.text(m_bos);
        out.text("<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: " +
                 m_dateString + "\n\n" + (hasSystem ? trim(messages.front().content) : std::string()) + "<|eot_id|>");
        for (std::size_t i = hasSystem ? 1 : 0; i < messages.size(); ++i) {
            out.text("<|start_header_id|>" + messages[i].role + "<|end_header_id|>\n\n");
            if (messages[i].role == "assistant") {
                out.learned(trim(messages[i].content) + "<|eot_id|>");
            } else {
                out.text(trim(messages[i].content) + "<|eot_id|>");
            }
        }
        if (addGenerationPrompt)
            out.text("<|start_header_id|>assistant<|end_header_id|>\n\n");
        break;
    }
    case ChatFormat::Llama3: {
        for (std::size_t i = 0; i < messages.size(); ++i) {
            out.text((i == 0 ? m_bos : std::string()) + "<|start_header_id|>" + messages[i].role +
                     "<|end_header_id|>\n\n");
            if (messages[i].role == "assistant")
                out.learned(trim(messages[i].content) + "<|eot_id|>");
            else
                out.text(trim(messages[i].content) + "<|eot_id|>");
        }
        if (addGenerationPrompt)
            out.text("<|start_header_id|>assistant<|end_header_id|>\n\n");
        break;
    }
    case ChatFormat::ChatMl: {
        if (!hasSystem && !m_defaultSystem.empty())
            out.text("<|im_start|>system\n" + m_defaultSystem + "<|im_end|>\n");
        for (const ChatMessage &message : messages) {
            out.text("<|im_start|>" + message.role + "\n");
            if (message.role == "assistant") {
                out.learned(message.content + "<|im_end|>");
                out.text("\n");
            } else {
                out.text(message.content + "<|im_end|>\n");
            }
        }
        if (addGenerationPrompt)
            out.text("<|im_start|>assistant\n");
        break;
    }
    case ChatFormat::Mistral: {
        const std::size_t first = hasSystem ? 1 : 0;
        checkAlternation(messages, first, "Mistral");
        out.text(m_bos);
        for (std::size_t i = first; i < messages.size(); ++i) {
            if (messages[i].role == "system")
                throw EngineError("Mistral's chat template takes a system message only at the start (message " +
                                  std::to_string(i + 1) + ")");
            if (messages[i].role == "user") {
                // As the template does: the system message goes into the last message, when that is the user's.
                const bool last = i + 1 == messages.size();
                out.text("[INST]" + (last && hasSystem ? messages.front().content + "\n\n" : std::string()) +
                         messages[i].content + "[/INST]");
            } else {
                out.learned(messages[i].content + m_eos);
            }
        }
        break;
    }
    case ChatFormat::Gemma: {
        if (hasSystem)
            throw EngineError("Gemma's chat template does not support a system message; remove it or put its text "
                              "into the first user message");
        checkAlternation(messages, 0, "Gemma");
        out.text(m_bos);
        for (const ChatMessage &message : messages) {
            const bool assistant = message.role == "assistant";
            out.text("<start_of_turn>" + std::string(assistant ? "model" : message.role) + "\n");
            if (assistant) {
                out.learned(trim(message.content) + "<end_of_turn>");
                out.text("\n");
            } else {
                out.text(trim(message.content) + "<end_of_turn>\n");
            }
        }
        if (addGenerationPrompt)
            out.text("<start_of_turn>model\n");
        break;
    }
    case ChatFormat::Phi3: {
        for (const ChatMessage &message : messages) {
            if (message.role == "system" && message.content.empty())
                continue;
            out.text("<|" + message.role + "|>\n");
            if (message.role == "assistant") {
                out.learned(message.content + "<|end|>");
                out.text("\n");
            } else {
                out.text(message.content + "<|end|>\n");
            }
        }
        out.text(addGenerationPrompt ? "<|assistant|>\n" : m_eos);
        break;
    }
    case ChatFormat::Alpaca: {
        out.text(m_bos + (hasSystem ? messages.front().content : std::string(kAlpacaSystem)) + "\n\n");
        for (std::size_t i = hasSystem ? 1 : 0; i < messages.size(); ++i) {
            if (messages[i].role == "user") {
                out.text("### Instruction:\n" + messages[i].content + "\n\n### Response:\n");
            } else if (messages[i].role == "assistant") {
                out.learned(messages[i].content + m_eos);
                out.text("\n\n");
            } else {
                out.text(messages[i].content + "\n\n");
            }
        }
        break;
    }
    }
    return out.take();
}

} // namespace mtm::engine
