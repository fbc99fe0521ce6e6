// Which container a dataset file is — CSV, JSON or JSON Lines — from its name and its first bytes.
#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace mtm::core {

enum class Container { Csv, Json, Jsonl };

struct ContainerGuess
{
    Container container = Container::Csv;
    std::string note; // set when the content overrode the file name
};

// head: the first bytes of the file in UTF-8, without a byte order mark.
ContainerGuess detectContainer(const QString &fileName, std::string_view head);
std::string containerId(Container container); // "csv", "json", "jsonl"

} // namespace mtm::core
