#include "engine/tokenizer/PreTokenizer.h"

#include "engine/tokenizer/Unicode.h"

namespace mtm::engine {
namespace {

const std::string kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const std::string kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// The text as code points with their byte offsets, so that matchers can look ahead.
struct CodePoints
{
    std::vector<char32_t> points;
    std::vector<std::size_t> offsets; // offsets[i]: byte offset of points[i]; offsets[size]: text size

    explicit CodePoints(std::string_view text)
    {
        for (std::size_t position = 0; position < text.size();) {
            offsets.push_back(position);
            points.push_back(unicode::decodeUtf8(text, position));
        }
        offsets.push_back(text.size());
    }
    std::size_t size() const { return points.size(); }
    // The code point at i, or 0 past the end (0 is none of letter, number, space for the matchers).
    char32_t at(std::size_t i) const { return i < points.size() ? points[i] : 0; }
};

bool isLetter(char32_t c)
{
    return c != 0 && unicode::isLetter(c);
}
bool isNumber(char32_t c)
{
    return c != 0 && unicode::isNumber(c);
}
bool isSpace(char32_t c)
{
    return c != 0 && unicode::isWhiteSpace(c);
}
bool isOther(char32_t c) // [^\s\p{L}\p{N}]
{
    return c != 0 && !isSpace(c) && !isLetter(c) && !isNumber(c);
}
bool isNewline(char32_t c)
{
    return c == '\r' || c == '\n';
}

// 's 't 're 've 'm 'll 'd at i; returns its length in code points or 0. ignoreCase follows Unicode simple
// case folding, under which U+017F (long s) is an s.
std::size_t contraction(const CodePoints &text, std::size_t i, bool ignoreCase)
{
    if (text.at(i) != '\'')
        return 0;
    auto is = [&](std::size_t k, char lower) {
        const char32_t c = text.at(k);
        if (c == char32_t(lower))
            return true;
        if (!ignoreCase)
            return false;
        return c == char32_t(lower - 'a' + 'A') || (lower == 's' && c == 0x17F);
    };
    if (is(i + 1, 's') || is(i + 1, 't') || is(i + 1, 'm') || is(i + 1, 'd'))
        return 2;
    if ((is(i + 1, 'r') && is(i + 2, 'e')) || (is(i + 1, 'v') && is(i + 2, 'e')) || (is(i + 1, 'l') && is(i + 2, 'l')))
        return 3;
    return 0;
}

// \s+(?!\S) then \s+: a run of white space, less its last character when a non-space follows and the run is
// longer than one.
std::size_t whiteSpaceRun(const CodePoints &text, std::size_t i)
{
    std::size_t j = i;
    while (isSpace(text.at(j)))
        ++j;
    if (j == i)
        return 0;
    if (j < text.size() && j - i > 1)
        return j - 1 - i;
    return j - i;
}

std::size_t matchGpt2(const CodePoints &text, std::size_t i)
{
    if (const std::size_t length = contraction(text, i, false))
        return length;
    const std::size_t start = text.at(i) == ' ' ? i + 1 : i;
    for (bool (*accept)(char32_t) : {isLetter, isNumber, isOther}) {
        std::size_t j = start;
        while (accept(text.at(j)))
            ++j;
        if (j > start)
            return j - i;
    }
    if (const std::size_t length = whiteSpaceRun(text, i))
        return length;
    return 1; // unreachable for valid input: every code point is a letter, number, space or other
}

std::size_t matchLlama3(const CodePoints &text, std::size_t i, bool numbersInThrees)
{
    if (const std::size_t length = contraction(text, i, true))
        return length;
    // [^\r\n\p{L}\p{N}]?\p{L}+
    {
        const char32_t c = text.at(i);
        const std::size_t start =
            (c != 0 && !isNewline(c) && !isLetter(c) && !isNumber(c) && isLetter(text.at(i + 1))) ? i + 1 : i;
        std::size_t j = start;
        while (isLetter(text.at(j)))
            ++j;
        if (j > start)
            return j - i;
    }
    // \p{N}{1,3} (Llama 3) or \p{N} (Qwen2)
    if (isNumber(text.at(i))) {
        std::size_t j = i + 1;
        while (numbersInThrees && j - i < 3 && isNumber(text.at(j)))
            ++j;
        return j - i;
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    {
        const std::size_t start = text.at(i) == ' ' ? i + 1 : i;
        std::size_t j = start;
        while (isOther(text.at(j)))
            ++j;
        if (j > start) {
            while (isNewline(text.at(j)))
                ++j;
            return j - i;
        }
    }
    // \s*[\r\n]+: white space up to and including its last line break
    {
        std::size_t j = i;
        std::size_t end = 0;
        while (isSpace(text.at(j))) {
            if (isNewline(text.at(j)))
                end = j + 1;
            ++j;
        }
        if (end > 0)
            return end - i;
    }
    if (const std::size_t length = whiteSpaceRun(text, i))
        return length;
    return 1;
}

} // namespace

std::optional<PreTokenizerKind> preTokenizerForPattern(const std::string &pattern)
{
    for (const PreTokenizerKind kind : {PreTokenizerKind::Gpt2, PreTokenizerKind::Llama3, PreTokenizerKind::Qwen2}) {
        if (preTokenizerPattern(kind) == pattern)
            return kind;
    }
    return std::nullopt;
}

std::optional<PreTokenizerKind> preTokenizerForGgufName(const std::string &name)
{
    if (name == "gpt-2" || name == "default" || name == "gpt2")
        return PreTokenizerKind::Gpt2;
    if (name == "llama-bpe" || name == "llama3" || name == "smaug-bpe")
        return PreTokenizerKind::Llama3;
    if (name == "qwen2")
        return PreTokenizerKind::Qwen2;
    return std::nullopt;
}

const std::string &preTokenizerPattern(PreTokenizerKind kind)
{
    switch (kind) {
    case PreTokenizerKind::Gpt2:
        return kGpt2Pattern;
    case PreTokenizerKind::Llama3:
        return kLlama3Pattern;
    case PreTokenizerKind::Qwen2:
        break;
    }
    return kQwen2Pattern;
}

std::vector<std::string_view> preTokenize(PreTokenizerKind kind, std::string_view text)
{
    const CodePoints points(text);
    std::vector<std::string_view> pieces;
    for (std::size_t i = 0; i < points.size();) {
        const std::size_t length = kind == PreTokenizerKind::Gpt2
                                       ? matchGpt2(points, i)
                                       : matchLlama3(points, i, kind == PreTokenizerKind::Llama3);
        pieces.push_back(text.substr(points.offsets[i], points.offsets[i + length] - points.offsets[i]));
        i += length;
    }
    return pieces;
}

} // namespace mtm::engine
