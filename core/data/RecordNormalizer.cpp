#include "data/RecordNormalizer.h"

#include "data/JsonText.h"
#include "engine/io/UntrustedJson.h"

#include <nlohmann/json.hpp>

namespace mtm::core {
namespace {

std::int64_t countCharacters(std::string_view text)
{
    std::int64_t count = 0;
    for (const char c : text)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string typeName(simdjson::dom::element_type type)
{
    switch (type) {
    case simdjson::dom::element_type::ARRAY:
        return "a list";
    case simdjson::dom::element_type::OBJECT:
        return "an object";
    case simdjson::dom::element_type::STRING:
        return "text";
    case simdjson::dom::element_type::BOOL:
        return "true or false";
    case simdjson::dom::element_type::NULL_VALUE:
        return "null";
    default:
        return "a number";
    }
}

// Where a JSON text stops being valid, in words: "invalid JSON at line 2, column 14: …".
std::string describeJsonError(const std::string &json, std::int64_t firstLine)
{
    try {
        const auto parsed = nlohmann::json::parse(json);
        (void)parsed;
    } catch (const nlohmann::json::parse_error &error) {
        const engine::JsonSyntaxError syntax = engine::describeSyntaxError(json, error, firstLine);
        return "invalid JSON at line " + std::to_string(syntax.line) + ", column " + std::to_string(syntax.column) +
               ": " + syntax.reason;
    } catch (const std::exception &error) {
        return std::string("invalid JSON: ") + error.what();
    }
    return "invalid JSON";
}

// ShareGPT and OpenAI role names, mapped onto the three roles the app trains with.
const char *canonicalRole(std::string_view role)
{
    if (role == "user" || role == "human")
        return "user";
    if (role == "assistant" || role == "gpt")
        return "assistant";
    if (role == "system")
        return "system";
    return nullptr;
}

} // namespace

RecordNormalizer::RecordNormalizer(FieldMapping mapping, std::vector<std::string> csvHeader,
                                   std::int64_t maxFieldCharacters)
    : m_mapping(std::move(mapping))
    , m_csvHeader(std::move(csvHeader))
    , m_maxFieldCharacters(maxFieldCharacters)
{
    for (const auto &[role, field] : m_mapping.fields) {
        for (std::size_t i = 0; i < m_csvHeader.size(); ++i) {
            if (m_csvHeader[i] == field)
                m_csvColumn[role] = static_cast<int>(i);
        }
    }
}

RecordNormalizer::Lookup RecordNormalizer::text(FieldRole role, const SourceRecord &record, std::string_view &value,
                                                std::string &storage, NormalizedRecord &out, std::string &type)
{
    const auto mapped = m_mapping.fields.find(role);
    if (mapped == m_mapping.fields.end())
        return Lookup::Missing;
    if (!m_csvHeader.empty()) {
        const auto column = m_csvColumn.find(role);
        if (column == m_csvColumn.end() || column->second >= static_cast<int>(record.fields.size()))
            return Lookup::Missing;
        value = record.fields[static_cast<std::size_t>(column->second)];
        return Lookup::Found;
    }
    simdjson::dom::element element;
    if (m_object.at_key(mapped->second).get(element) != simdjson::SUCCESS)
        return Lookup::Missing;
    switch (element.type()) {
    case simdjson::dom::element_type::STRING:
        value = element.get_string().value_unsafe();
        return Lookup::Found;
    case simdjson::dom::element_type::NULL_VALUE:
        return Lookup::Missing;
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT:
        type = typeName(element.type());
        return Lookup::NotText;
    default: // numbers and booleans become their JSON text
        storage = simdjson::minify(element);
        value = storage;
        ++out.convertedValues;
        return Lookup::Found;
    }
}

bool RecordNormalizer::checkLength(const std::string &field, std::string_view value, std::vector<RecordIssue> &issues)
{
    if (static_cast<std::int64_t>(value.size()) <= m_maxFieldCharacters)
        return true; // fewer bytes than the limit means fewer characters too
    const std::int64_t characters = countCharacters(value);
    if (characters <= m_maxFieldCharacters)
        return true;
    issues.push_back({field, "the text is " + std::to_string(characters) + " characters long; the limit is " +
                                 std::to_string(m_maxFieldCharacters) + " characters"});
    return false;
}

bool RecordNormalizer::requireText(FieldRole role, bool required, const SourceRecord &record, std::string_view &value,
                                   std::string &storage, NormalizedRecord &out, std::vector<RecordIssue> &issues)
{
    value = {};
    const auto mapped = m_mapping.fields.find(role);
    const std::string field = mapped == m_mapping.fields.end() ? roleId(role) : mapped->second;
    std::string type;
    switch (text(role, record, value, storage, out, type)) {
    case Lookup::NotText:
        issues.push_back({field, "expected text but found " + type});
        return false;
    case Lookup::Missing:
        if (required) {
            issues.push_back({field, "the field is missing; " + schemaTitle(m_mapping.schema) + " records need the " +
                                         roleId(role) + " ('" + field + "')"});
            return false;
        }
        return true;
    case Lookup::Found:
        break;
    }
    if (isBlank(value)) {
        if (required) {
            issues.push_back({field, "the " + roleId(role) + " is empty"});
            return false;
        }
        value = {};
        return true;
    }
    return checkLength(field, value, issues);
}

void RecordNormalizer::appendMessage(std::string &line, const char *role, std::string_view content,
                                     NormalizedRecord &out)
{
    line += out.messages == 0 ? "{\"role\":\"" : ",{\"role\":\"";
    line += role;
    line += "\",\"content\":";
    appendJsonString(line, content);
    line += '}';
    out.characters += countCharacters(content);
    ++out.messages;
}

void RecordNormalizer::writeExchange(std::string_view system, std::string_view user, std::string_view assistant,
                                     NormalizedRecord &out)
{
    out.line = "{\"messages\":[";
    if (!system.empty())
        appendMessage(out.line, "system", system, out);
    appendMessage(out.line, "user", user, out);
    appendMessage(out.line, "assistant", assistant, out);
    out.line += "]}";
}

bool RecordNormalizer::appendMessages(const SourceRecord &record, NormalizedRecord &out,
                                      std::vector<RecordIssue> &issues)
{
    const std::string field = m_mapping.fields.at(FieldRole::Messages);
    simdjson::dom::array messages;
    if (!m_csvHeader.empty()) {
        // A CSV cell may hold the message list as JSON text.
        std::string_view cell;
        std::string type;
        if (text(FieldRole::Messages, record, cell, m_storage[0], out, type) != Lookup::Found || isBlank(cell)) {
            issues.push_back({field, "the conversation is empty"});
            return false;
        }
        simdjson::dom::element parsed;
        if (m_innerParser.parse(cell.data(), cell.size()).get(parsed) != simdjson::SUCCESS ||
            parsed.get_array().get(messages) != simdjson::SUCCESS) {
            issues.push_back(
                {field, "expected a JSON list of messages like [{\"role\": \"user\", \"content\": \"…\"}]"});
            return false;
        }
    } else {
        simdjson::dom::element element;
        if (m_object.at_key(field).get(element) != simdjson::SUCCESS ||
            element.type() == simdjson::dom::element_type::NULL_VALUE) {
            issues.push_back({field, "the field is missing; chat records need a list of messages ('" + field + "')"});
            return false;
        }
        if (element.get_array().get(messages) != simdjson::SUCCESS) {
            issues.push_back({field, "expected a list of messages but found " + typeName(element.type())});
            return false;
        }
    }
    if (messages.size() == 0) {
        issues.push_back({field, "the conversation has no messages"});
        return false;
    }

    std::string &line = out.line;
    line = "{\"messages\":[";
    std::string lastRole;
    int index = 0;
    for (simdjson::dom::element message : messages) {
        ++index;
        const std::string where = field + "[" + std::to_string(index) + "]";
        simdjson::dom::object object;
        if (message.get_object().get(object) != simdjson::SUCCESS) {
            issues.push_back({where, "message " + std::to_string(index) + " is " + typeName(message.type()) +
                                         ", not an object with a role and content"});
            return false;
        }
        std::string_view role;
        if (object.at_key("role").get_string().get(role) != simdjson::SUCCESS &&
            object.at_key("from").get_string().get(role) != simdjson::SUCCESS) {
            issues.push_back({where, "message " + std::to_string(index) + " has no 'role' (or 'from')"});
            return false;
        }
        const char *canonical = canonicalRole(role);
        if (!canonical) {
            issues.push_back({where, "message " + std::to_string(index) + " has the unknown role '" +
                                         std::string(role) +
                                         "'; use system, user or assistant (ShareGPT: system, human or gpt)"});
            return false;
        }
        if (std::string_view(canonical) == "system" && index != 1) {
            issues.push_back({where, "message " + std::to_string(index) +
                                         " is a system message; only the first message may be one"});
            return false;
        }
        simdjson::dom::element content;
        if (object.at_key("content").get(content) != simdjson::SUCCESS &&
            object.at_key("value").get(content) != simdjson::SUCCESS) {
            issues.push_back({where, "message " + std::to_string(index) + " has no 'content' (or 'value')"});
            return false;
        }
        std::string &joined = m_storage[1];
        std::string_view contentText;
        simdjson::dom::array parts;
        if (content.get_string().get(contentText) == simdjson::SUCCESS) {
        } else if (content.get_array().get(parts) == simdjson::SUCCESS) {
            // OpenAI content parts: [{"type": "text", "text": "…"}, …]
            joined.clear();
            for (simdjson::dom::element part : parts) {
                std::string_view partText;
                if (part.at_key("text").get_string().get(partText) != simdjson::SUCCESS) {
                    issues.push_back({where, "message " + std::to_string(index) +
                                                 " has a content part that is not text; only text can be trained on"});
                    return false;
                }
                joined += (joined.empty() ? "" : "\n");
                joined += partText;
            }
            contentText = joined;
        } else if (content.type() != simdjson::dom::element_type::NULL_VALUE) {
            issues.push_back({where, "the content of message " + std::to_string(index) + " is " +
                                         typeName(content.type()) + ", not text"});
            return false;
        }
        if (isBlank(contentText)) {
            issues.push_back({where, "message " + std::to_string(index) + " (" + canonical + ") is empty"});
            return false;
        }
        if (!checkLength(where, contentText, issues))
            return false;
        appendMessage(line, canonical, contentText, out);
        lastRole = canonical;
    }
    if (lastRole != "assistant") {
        issues.push_back(
            {field, "the conversation ends with a " + lastRole +
                        " message; it must end with the assistant's reply, which is what the model learns"});
        return false;
    }
    line += "]}";
    return true;
}

bool RecordNormalizer::normalize(SourceRecord &record, NormalizedRecord &out, std::vector<RecordIssue> &issues)
{
    issues.clear();
    out = NormalizedRecord{};
    if (m_csvHeader.empty()) {
        record.json.reserve(record.json.size() + simdjson::SIMDJSON_PADDING);
        simdjson::dom::element document;
        if (m_parser.parse(record.json.data(), record.json.size(), false).get(document) != simdjson::SUCCESS) {
            issues.push_back({"", describeJsonError(record.json, record.line)});
            return false;
        }
        if (document.get_object().get(m_object) != simdjson::SUCCESS) {
            issues.push_back({"", "the record is " + typeName(document.type()) + ", not an object with named fields"});
            return false;
        }
    }

    std::string_view first, second, third;
    switch (m_mapping.schema) {
    case RecordSchema::Chat:
        return appendMessages(record, out, issues);
    case RecordSchema::Alpaca: {
        std::string_view system;
        const bool ok = requireText(FieldRole::Instruction, true, record, first, m_storage[0], out, issues) &
                        requireText(FieldRole::Input, false, record, second, m_storage[1], out, issues) &
                        requireText(FieldRole::Output, true, record, third, m_storage[2], out, issues) &
                        requireText(FieldRole::System, false, record, system, m_storage[3], out, issues);
        if (!ok)
            return false;
        std::string user(first);
        if (!second.empty()) {
            user += "\n\n";
            user += second;
        }
        writeExchange(system, user, third, out);
        return true;
    }
    case RecordSchema::PromptCompletion: {
        const bool ok = requireText(FieldRole::Prompt, true, record, first, m_storage[0], out, issues) &
                        requireText(FieldRole::Completion, true, record, second, m_storage[1], out, issues) &
                        requireText(FieldRole::System, false, record, third, m_storage[2], out, issues);
        if (!ok)
            return false;
        writeExchange(third, first, second, out);
        return true;
    }
    case RecordSchema::Text:
    case RecordSchema::Documents: {
        const bool documents = m_mapping.schema == RecordSchema::Documents;
        const bool ok =
            requireText(FieldRole::Text, true, record, first, m_storage[0], out, issues) &
            (!documents || requireText(FieldRole::Title, false, record, second, m_storage[1], out, issues)) &
            (!documents || requireText(FieldRole::Source, false, record, third, m_storage[2], out, issues));
        if (!ok)
            return false;
        out.line = "{\"text\":";
        appendJsonString(out.line, first);
        if (!second.empty()) {
            out.line += ",\"title\":";
            appendJsonString(out.line, second);
        }
        if (!third.empty()) {
            out.line += ",\"source\":";
            appendJsonString(out.line, third);
        }
        out.line += '}';
        out.characters = countCharacters(first);
        return true;
    }
    }
    return false;
}

} // namespace mtm::core
