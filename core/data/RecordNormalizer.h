// Turns one source record into the normalised JSON line the app stores, or says precisely what is wrong
// with it: missing or empty fields, unknown roles, a conversation that does not end with the assistant,
// over-long text, invalid JSON.
//
// The normalised forms (one JSON object per line):
//   conversations (alpaca, prompt/completion, chat): {"messages":[{"role":"system|user|assistant","content":"…"},…]}
//   plain text:                                      {"text":"…"}
//   documents:                                       {"text":"…","title":"…","source":"…"} (title, source optional)
#pragma once

#include "data/RecordReader.h"
#include "data/RecordSchema.h"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mtm::core {

struct RecordIssue
{
    std::string field;   // the field concerned, empty for the record as a whole
    std::string message; // what is wrong, for people
};

struct NormalizedRecord
{
    std::string line;            // the normalised JSON object, without a newline
    std::int64_t characters = 0; // characters of text it holds
    int messages = 0;            // conversation turns (0 for text and documents)
    int convertedValues = 0;     // numbers or booleans that were turned into text
};

class RecordNormalizer
{
public:
    // csvHeader: the CSV columns, or empty for JSON records. maxFieldCharacters: the longest text accepted.
    RecordNormalizer(FieldMapping mapping, std::vector<std::string> csvHeader, std::int64_t maxFieldCharacters);

    // True when the record is usable (out is filled); false with the reasons in issues.
    bool normalize(SourceRecord &record, NormalizedRecord &out, std::vector<RecordIssue> &issues);

    const FieldMapping &mapping() const { return m_mapping; }

private:
    enum class Lookup { Found, Missing, NotText };
    Lookup text(FieldRole role, const SourceRecord &record, std::string_view &value, std::string &storage,
                NormalizedRecord &out, std::string &typeName);
    // Fetches a role's text and checks it; returns false (with an issue) when a required one is unusable.
    bool requireText(FieldRole role, bool required, const SourceRecord &record, std::string_view &value,
                     std::string &storage, NormalizedRecord &out, std::vector<RecordIssue> &issues);
    bool checkLength(const std::string &field, std::string_view value, std::vector<RecordIssue> &issues);
    bool appendMessages(const SourceRecord &record, NormalizedRecord &out, std::vector<RecordIssue> &issues);
    void appendMessage(std::string &line, const char *role, std::string_view content, NormalizedRecord &out);
    // One exchange: an optional system message, the user's turn and the assistant's reply.
    void writeExchange(std::string_view system, std::string_view user, std::string_view assistant,
                       NormalizedRecord &out);

    FieldMapping m_mapping;
    std::vector<std::string> m_csvHeader;
    std::int64_t m_maxFieldCharacters;
    std::map<FieldRole, int> m_csvColumn;
    simdjson::dom::parser m_parser;
    simdjson::dom::parser m_innerParser; // for message lists stored as JSON text inside a CSV cell
    simdjson::dom::object m_object;
    std::string m_storage[4];
};

} // namespace mtm::core
