#include "data/RecordSchema.h"

#include <algorithm>
#include <cctype>

namespace mtm::core {
namespace {

std::string normalizedName(const std::string &name)
{
    std::string out;
    for (const char c : name) {
        if (c != ' ' && c != '\t')
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

// The first field of names that is one of the aliases (in alias order), skipping fields already taken.
std::optional<std::string> findField(const std::vector<std::string> &names, const std::vector<std::string> &aliases,
                                     const std::vector<std::string> &taken)
{
    for (const std::string &alias : aliases) {
        for (const std::string &name : names) {
            if (normalizedName(name) == alias && std::find(taken.begin(), taken.end(), name) == taken.end())
                return name;
        }
    }
    return std::nullopt;
}

// Maps every role it can; returns false when a required role stays unmapped.
bool tryMap(RecordSchema schema, const std::vector<std::string> &names, FieldMapping &mapping)
{
    mapping = FieldMapping{schema, {}};
    std::vector<std::string> taken;
    bool complete = true;
    for (const RoleSpec &spec : rolesOf(schema)) {
        if (auto field = findField(names, spec.aliases, taken)) {
            mapping.fields[spec.role] = *field;
            taken.push_back(*field);
        } else if (spec.required) {
            complete = false;
        }
    }
    return complete;
}

} // namespace

const std::vector<RecordSchema> &allSchemas()
{
    static const std::vector<RecordSchema> schemas = {RecordSchema::Alpaca, RecordSchema::PromptCompletion,
                                                      RecordSchema::Chat, RecordSchema::Text, RecordSchema::Documents};
    return schemas;
}

const std::vector<RoleSpec> &rolesOf(RecordSchema schema)
{
    static const std::vector<RoleSpec> alpaca = {
        {FieldRole::Instruction, true, {"instruction", "instructions"}},
        {FieldRole::Input, false, {"input", "context"}},
        {FieldRole::Output, true, {"output", "response", "answer"}},
        {FieldRole::System, false, {"system", "system_prompt", "systemprompt"}},
    };
    static const std::vector<RoleSpec> promptCompletion = {
        {FieldRole::Prompt, true, {"prompt", "question", "input", "query"}},
        {FieldRole::Completion, true, {"completion", "response", "answer", "output"}},
        {FieldRole::System, false, {"system", "system_prompt", "systemprompt"}},
    };
    static const std::vector<RoleSpec> chat = {
        {FieldRole::Messages, true, {"messages", "conversations", "conversation", "chat", "dialogue"}},
    };
    static const std::vector<RoleSpec> text = {
        {FieldRole::Text, true, {"text", "content"}},
    };
    static const std::vector<RoleSpec> documents = {
        {FieldRole::Text, true, {"text", "content", "body", "document", "passage"}},
        {FieldRole::Title, false, {"title", "heading", "name"}},
        {FieldRole::Source, false, {"source", "url", "path", "file", "filename"}},
    };
    switch (schema) {
    case RecordSchema::Alpaca:
        return alpaca;
    case RecordSchema::PromptCompletion:
        return promptCompletion;
    case RecordSchema::Chat:
        return chat;
    case RecordSchema::Text:
        return text;
    case RecordSchema::Documents:
        break;
    }
    return documents;
}

std::string schemaId(RecordSchema schema)
{
    switch (schema) {
    case RecordSchema::Alpaca:
        return "alpaca";
    case RecordSchema::PromptCompletion:
        return "prompt_completion";
    case RecordSchema::Chat:
        return "chat";
    case RecordSchema::Text:
        return "text";
    case RecordSchema::Documents:
        break;
    }
    return "documents";
}

std::string schemaTitle(RecordSchema schema)
{
    switch (schema) {
    case RecordSchema::Alpaca:
        return "Alpaca (instruction, input, output)";
    case RecordSchema::PromptCompletion:
        return "Prompt and completion";
    case RecordSchema::Chat:
        return "Chat messages";
    case RecordSchema::Text:
        return "Plain text";
    case RecordSchema::Documents:
        break;
    }
    return "Documents for retrieval (RAG)";
}

std::optional<RecordSchema> schemaFromId(const std::string &id)
{
    for (const RecordSchema schema : allSchemas()) {
        if (schemaId(schema) == id)
            return schema;
    }
    return std::nullopt;
}

std::string roleId(FieldRole role)
{
    switch (role) {
    case FieldRole::Instruction:
        return "instruction";
    case FieldRole::Input:
        return "input";
    case FieldRole::Output:
        return "output";
    case FieldRole::System:
        return "system";
    case FieldRole::Prompt:
        return "prompt";
    case FieldRole::Completion:
        return "completion";
    case FieldRole::Messages:
        return "messages";
    case FieldRole::Text:
        return "text";
    case FieldRole::Title:
        return "title";
    case FieldRole::Source:
        break;
    }
    return "source";
}

std::optional<FieldRole> roleFromId(const std::string &id)
{
    for (int i = 0; i <= int(FieldRole::Source); ++i) {
        if (roleId(FieldRole(i)) == id)
            return FieldRole(i);
    }
    return std::nullopt;
}

std::string FieldMapping::missingRoles() const
{
    std::string missing;
    for (const RoleSpec &spec : rolesOf(schema)) {
        if (spec.required && fields.find(spec.role) == fields.end())
            missing += (missing.empty() ? "" : ", ") + roleId(spec.role);
    }
    return missing;
}

std::string FieldMapping::describe() const
{
    std::string text;
    for (const RoleSpec &spec : rolesOf(schema)) {
        const auto found = fields.find(spec.role);
        if (found == fields.end())
            continue;
        text += (text.empty() ? "" : ", ") + roleId(spec.role) + " \xE2\x86\x90 " + found->second;
    }
    return text;
}

std::vector<std::string> unusedFields(const FieldMapping &mapping, const std::vector<std::string> &fieldNames)
{
    std::vector<std::string> unused;
    for (const std::string &name : fieldNames) {
        const bool used = std::any_of(mapping.fields.begin(), mapping.fields.end(),
                                      [&](const auto &entry) { return entry.second == name; });
        if (!used)
            unused.push_back(name);
    }
    return unused;
}

SchemaDetection detectSchema(const std::vector<std::string> &fieldNames, const std::vector<std::string> &chatFields)
{
    SchemaDetection detection;
    FieldMapping mapping;
    auto decide = [&](std::string why) {
        detection.mapping = mapping;
        detection.confident = true;
        detection.explanation = std::move(why);
        detection.unusedFields = unusedFields(mapping, fieldNames);
        return detection;
    };

    if (!chatFields.empty()) {
        mapping = FieldMapping{RecordSchema::Chat, {{FieldRole::Messages, chatFields.front()}}};
        return decide("the field '" + chatFields.front() + "' holds lists of chat messages");
    }
    if (tryMap(RecordSchema::Chat, fieldNames, mapping))
        return decide("the field '" + mapping.fields[FieldRole::Messages] + "' names chat messages");
    if (tryMap(RecordSchema::Alpaca, fieldNames, mapping))
        return decide("the fields include an instruction and an output");
    if (tryMap(RecordSchema::PromptCompletion, fieldNames, mapping)) {
        return decide("the fields '" + mapping.fields[FieldRole::Prompt] + "' and '" +
                      mapping.fields[FieldRole::Completion] + "' read as a prompt and its completion");
    }
    FieldMapping documents;
    if (tryMap(RecordSchema::Documents, fieldNames, documents) &&
        (documents.fields.count(FieldRole::Title) || documents.fields.count(FieldRole::Source))) {
        mapping = documents;
        return decide("the fields hold a text with a title or source");
    }
    if (tryMap(RecordSchema::Text, fieldNames, mapping))
        return decide("the only field that matters is the text '" + mapping.fields[FieldRole::Text] + "'");

    // Nothing fits: propose prompt/completion over the first two fields and ask.
    detection.mapping = FieldMapping{RecordSchema::PromptCompletion, {}};
    if (fieldNames.size() >= 2) {
        detection.mapping.fields[FieldRole::Prompt] = fieldNames[0];
        detection.mapping.fields[FieldRole::Completion] = fieldNames[1];
    }
    detection.confident = false;
    detection.explanation = "the field names do not say what the records are; choose the record type and which "
                            "field plays which part";
    detection.unusedFields = unusedFields(detection.mapping, fieldNames);
    return detection;
}

} // namespace mtm::core
