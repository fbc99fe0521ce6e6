// The Unicode facts the tokenizers need: UTF-8 decoding, letters, numbers and white space as regular
// expressions see them (\p{L}, \p{N}, \s), and NFC normalisation. Tables from Unicode 15.0.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtm::engine::unicode {

bool isLetter(char32_t codePoint);     // general category L*
bool isNumber(char32_t codePoint);     // general category N*
bool isWhiteSpace(char32_t codePoint); // the White_Space property

// Decodes the code point at text[position] and advances position past it. An invalid or truncated sequence
// decodes as U+FFFD and advances one byte.
char32_t decodeUtf8(std::string_view text, std::size_t &position);
void appendUtf8(std::string &out, char32_t codePoint);
// The length of the longest prefix of text that ends on a whole UTF-8 character.
std::size_t completeUtf8Prefix(std::string_view text);

// Canonical composition (NFC) of UTF-8 text.
std::string toNfc(std::string_view text);

} // namespace mtm::engine::unicode
