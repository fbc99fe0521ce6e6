// JSON from files that come from anywhere (model folders, tokenizers, adapters, records): parsed with a bound on
// how deeply values nest, so that neither the parse nor what follows it (copies, dumps, destruction, which recurse)
// can run out of stack on a hostile file; and every failure said in a sentence that names the file and the place.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace mtm::engine {

// Deeper than any real configuration, tokenizer or record (they nest a few levels); far from the stack's limit.
inline constexpr int kMaxJsonDepth = 100;

// Called for each parse event, as nlohmann's parser callback; returns whether to keep the value.
using JsonEventHandler = std::function<bool(int depth, nlohmann::json::parse_event_t event, nlohmann::json &value)>;

// Where a parse stopped and why, for a message: the line and column of the error in `text` (counting lines from
// firstLine), and the library's reason without its code and place ("syntax error while parsing value - …").
struct JsonSyntaxError
{
    std::int64_t line = 1, column = 1;
    std::string reason;
};
JsonSyntaxError describeSyntaxError(std::string_view text, const nlohmann::json::parse_error &error,
                                    std::int64_t firstLine = 1);

// Throws EngineError "<where> is not valid JSON: <what>, at line L, column C" or "<where> nests values more than
// 100 levels deep".
nlohmann::json parseJson(std::string_view text, const std::string &where, const JsonEventHandler &onEvent = {});
// The whole file; "Cannot open <path>" when it cannot be read.
nlohmann::json readJsonFile(const std::string &path);

// The JSON library's message without its code: "[json.exception.type_error.302] type must be string, but is
// number" becomes "type must be string, but is number".
std::string jsonErrorText(const std::string &message);

// Checked reads of a value from a file, for code that must never read past what is there: the member `key` of
// `object`, or null when `object` is not an object or has no such member.
const nlohmann::json &member(const nlohmann::json &object, const std::string &key);
// The member as a string (or a flag): `fallback` when absent or null; EngineError "<where>: "<key>" is <excerpt>,
// not a string" (or "not true or false") when it is something else.
std::string stringMember(const nlohmann::json &object, const std::string &key, const std::string &fallback,
                         const std::string &where);
bool flagMember(const nlohmann::json &object, const std::string &key, bool fallback, const std::string &where);
// The member as a finite number (or one above zero): `fallback` when absent or null; EngineError otherwise.
double numberMember(const nlohmann::json &object, const std::string &key, double fallback, const std::string &where);
double positiveNumberMember(const nlohmann::json &object, const std::string &key, double fallback,
                            const std::string &where);
// The member as a list: empty when absent or null; EngineError when it is something else.
const nlohmann::json &listMember(const nlohmann::json &object, const std::string &key, const std::string &where);

// A JSON value as a message may quote it: short ones whole, long ones cut ("[1, 2, 3, …").
std::string jsonExcerpt(const nlohmann::json &value);

} // namespace mtm::engine
