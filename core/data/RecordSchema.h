// The kinds of records a dataset can hold, the fields each kind needs, and how a file's fields are mapped
// onto them — detected from the field names, or chosen by the user when detection is unsure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mtm::core {

enum class RecordSchema {
    Alpaca,           // instruction, optional input, output, optional system
    PromptCompletion, // prompt/completion, prompt/response, question/answer, input/output
    Chat,             // OpenAI messages [{role, content}] or ShareGPT conversations [{from, value}]
    Text,             // plain text
    Documents,        // text for retrieval, with optional title and source
};

enum class FieldRole { Instruction, Input, Output, System, Prompt, Completion, Messages, Text, Title, Source };

struct RoleSpec
{
    FieldRole role;
    bool required;
    std::vector<std::string> aliases; // lower-case field names that mean this role, best first
};

const std::vector<RecordSchema> &allSchemas();
const std::vector<RoleSpec> &rolesOf(RecordSchema schema);
std::string schemaId(RecordSchema schema);    // "alpaca", "prompt_completion", "chat", "text", "documents"
std::string schemaTitle(RecordSchema schema); // for people: "Alpaca (instruction / input / output)"
std::optional<RecordSchema> schemaFromId(const std::string &id);
std::string roleId(FieldRole role); // "instruction", "output", ...
std::optional<FieldRole> roleFromId(const std::string &id);

// Which field of the file plays which role.
struct FieldMapping
{
    RecordSchema schema = RecordSchema::PromptCompletion;
    std::map<FieldRole, std::string> fields;

    // Empty when every required role has a field; else what is missing, for people.
    std::string missingRoles() const;
    std::string describe() const; // "instruction ← question, output ← answer"
};

struct SchemaDetection
{
    FieldMapping mapping;
    bool confident = false;  // false: the user should check or choose the mapping
    std::string explanation; // why this schema, or why detection is unsure
    std::vector<std::string> unusedFields;
};

// Guesses the schema from the field names (case and surrounding spaces do not matter). chatFields lists
// fields whose values look like message lists (arrays of objects with role/content or from/value).
SchemaDetection detectSchema(const std::vector<std::string> &fieldNames, const std::vector<std::string> &chatFields);

// The fields of fieldNames that mapping does not use.
std::vector<std::string> unusedFields(const FieldMapping &mapping, const std::vector<std::string> &fieldNames);

} // namespace mtm::core
