// Writes JSON text quickly: string escaping for the normalised JSONL the importer produces.
#pragma once

#include <string>
#include <string_view>

namespace mtm::core {

// Appends utf8 as a JSON string literal, quotes included. The input must be valid UTF-8.
void appendJsonString(std::string &out, std::string_view utf8);

} // namespace mtm::core
