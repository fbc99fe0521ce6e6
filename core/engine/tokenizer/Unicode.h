// The Unicode facts the tokenizers need: UTF-8 decoding, letters, numbers and white space as regular
// expressions see them (\p{L}, \p{N}, \s), NFC normalisation, and the categories, lowercase and canonical
// decomposition BERT's WordPiece normaliser uses. Tables from Unicode 15.0.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtm::engine::unicode {

bool isLetter(char32_t codePoint);         // general category L*
bool isNumber(char32_t codePoint);         // general category N*
bool isWhiteSpace(char32_t codePoint);     // the White_Space property
bool isPunctuation(char32_t codePoint);    // general category P*
bool isNonspacingMark(char32_t codePoint); // general category Mn
bool isOther(char32_t codePoint);          // general category C*: controls, formats, private use, unassigned
bool isSpaceSeparator(char32_t codePoint); // general category Zs
char32_t toLower(char32_t codePoint);      // the simple lowercase mapping
// The code point's full canonical decomposition (NFD of the character alone, marks in their stored order).
std::u32string decomposeCanonically(char32_t codePoint);

// Decodes the code point at text[position] and advances position past it. An invalid or truncated sequence
// decodes as U+FFFD and advances one byte.
char32_t decodeUtf8(std::string_view text, std::size_t &position);
void appendUtf8(std::string &out, char32_t codePoint);
// The length of the longest prefix of text that ends on a whole UTF-8 character.
std::size_t completeUtf8Prefix(std::string_view text);

// Canonical composition (NFC) of UTF-8 text.
std::string toNfc(std::string_view text);

} // namespace mtm::engine::unicode
