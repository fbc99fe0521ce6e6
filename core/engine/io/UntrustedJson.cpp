#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"

#include <cmath>
#include <fstream>
#include <iterator>

namespace mtm::engine {
namespace {

struct TooDeep
{
    std::size_t depth;
};

} // namespace

std::string jsonErrorText(const std::string &message)
{
    const std::string prefix = "[json.exception.";
    const auto end = message.find("] ");
    return message.rfind(prefix, 0) == 0 && end != std::string::npos ? message.substr(end + 2) : message;
}

JsonSyntaxError describeSyntaxError(std::string_view text, const nlohmann::json::parse_error &error,
                                    std::int64_t firstLine)
{
    JsonSyntaxError syntax;
    syntax.line = firstLine;
    for (std::size_t i = 0; i + 1 < error.byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++syntax.line;
            syntax.column = 1;
        } else {
            ++syntax.column;
        }
    }
    // "parse error at line 1, column 3: syntax error while parsing value - …": the place is given apart.
    syntax.reason = jsonErrorText(error.what());
    const auto colon = syntax.reason.find(": ");
    if (syntax.reason.rfind("parse error", 0) == 0 && colon != std::string::npos)
        syntax.reason = syntax.reason.substr(colon + 2);
    return syntax;
}

nlohmann::json parseJson(std::string_view text, const std::string &where, const JsonEventHandler &onEvent)
{
    try {
        return nlohmann::json::parse(text.begin(), text.end(),
                                     [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json &value) {
                                         if (depth > kMaxJsonDepth)
                                             throw TooDeep{std::size_t(depth)};
                                         return !onEvent || onEvent(depth, event, value);
                                     });
    } catch (const TooDeep &) {
        throw EngineError(where + " nests values more than " + std::to_string(kMaxJsonDepth) +
                          " levels deep; no configuration, tokenizer or record does");
    } catch (const nlohmann::json::parse_error &error) {
        const JsonSyntaxError syntax = describeSyntaxError(text, error);
        throw EngineError(where + " is not valid JSON: " + syntax.reason + ", at line " + std::to_string(syntax.line) +
                          ", column " + std::to_string(syntax.column));
    } catch (const nlohmann::json::exception &error) {
        // A number too large for a double (1e999) is an out_of_range error, found while parsing.
        throw EngineError(where + " is not valid JSON: " + jsonErrorText(error.what()));
    }
}

nlohmann::json readJsonFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw EngineError("Cannot open " + path, EngineError::Kind::Io);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw EngineError("Cannot read " + path, EngineError::Kind::Io);
    return parseJson(text, path);
}

const nlohmann::json &member(const nlohmann::json &object, const std::string &key)
{
    static const nlohmann::json absent;
    if (!object.is_object())
        return absent;
    const auto found = object.find(key);
    return found == object.end() ? absent : *found;
}

std::string stringMember(const nlohmann::json &object, const std::string &key, const std::string &fallback,
                         const std::string &where)
{
    const nlohmann::json &value = member(object, key);
    if (value.is_null())
        return fallback;
    if (!value.is_string())
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", not a string");
    return value.get<std::string>();
}

bool flagMember(const nlohmann::json &object, const std::string &key, bool fallback, const std::string &where)
{
    const nlohmann::json &value = member(object, key);
    if (value.is_null())
        return fallback;
    if (!value.is_boolean())
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", not true or false");
    return value.get<bool>();
}

double numberMember(const nlohmann::json &object, const std::string &key, double fallback, const std::string &where)
{
    const nlohmann::json &value = member(object, key);
    if (value.is_null())
        return fallback;
    if (!value.is_number() || !std::isfinite(value.get<double>()))
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", not a number");
    return value.get<double>();
}

double positiveNumberMember(const nlohmann::json &object, const std::string &key, double fallback,
                            const std::string &where)
{
    const nlohmann::json &value = member(object, key);
    if (value.is_null())
        return fallback;
    if (!value.is_number() || !(value.get<double>() > 0) || !std::isfinite(value.get<double>()))
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", not a positive number");
    return value.get<double>();
}

const nlohmann::json &listMember(const nlohmann::json &object, const std::string &key, const std::string &where)
{
    static const nlohmann::json empty = nlohmann::json::array();
    const nlohmann::json &value = member(object, key);
    if (value.is_null())
        return empty;
    if (!value.is_array())
        throw EngineError(where + ": \"" + key + "\" is " + jsonExcerpt(value) + ", not a list");
    return value;
}

std::string jsonExcerpt(const nlohmann::json &value)
{
    const std::size_t limit = 80;
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > limit)
        text = text.substr(0, limit) + "…";
    return text;
}

} // namespace mtm::engine
