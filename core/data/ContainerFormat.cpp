#include "data/ContainerFormat.h"

#include <QFileInfo>

#include <simdjson.h>

namespace mtm::core {
namespace {

// True when the first line is a whole JSON object and another line starts like one (or there is none).
bool looksLikeJsonLines(std::string_view head)
{
    const auto start = head.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || head[start] != '{')
        return false;
    const auto newline = head.find('\n', start);
    const std::string firstLine(head.substr(start, newline == std::string_view::npos ? head.npos : newline - start));
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(firstLine).get_object().get(object) != simdjson::SUCCESS)
        return false;
    if (newline == std::string_view::npos)
        return true;
    const auto next = head.find_first_not_of(" \t\r\n", newline);
    return next == std::string_view::npos || head[next] == '{';
}

} // namespace

std::string containerId(Container container)
{
    switch (container) {
    case Container::Csv:
        return "csv";
    case Container::Json:
        return "json";
    case Container::Jsonl:
        break;
    }
    return "jsonl";
}

ContainerGuess detectContainer(const QString &fileName, std::string_view head)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    const auto first = head.find_first_not_of(" \t\r\n");
    const char c = first == std::string_view::npos ? '\0' : head[first];
    const bool jsonLines = looksLikeJsonLines(head);

    if (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv"))
        return {Container::Csv, ""};
    if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson")) {
        if (c == '[')
            return {Container::Json,
                    "the file is named ." + suffix.toStdString() + " but holds one JSON array; it was read as JSON"};
        return {Container::Jsonl, ""};
    }
    if (suffix == QLatin1String("json")) {
        if (jsonLines && head.find('\n', first) != std::string_view::npos && c == '{') {
            const auto newline = head.find('\n', first);
            if (head.find_first_not_of(" \t\r\n", newline) != std::string_view::npos)
                return {Container::Jsonl,
                        "the file is named .json but holds one JSON object per line; it was read as JSON Lines"};
        }
        return {Container::Json, ""};
    }
    // Any other name: go by the content.
    if (c == '[')
        return {Container::Json, "the content is a JSON array"};
    if (jsonLines)
        return {Container::Jsonl, "the content is one JSON object per line"};
    if (c == '{')
        return {Container::Json, "the content is a JSON object"};
    return {Container::Csv, "the content was read as CSV"};
}

} // namespace mtm::core
