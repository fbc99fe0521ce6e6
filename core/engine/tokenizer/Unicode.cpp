#include "engine/tokenizer/Unicode.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace mtm::engine::unicode {
namespace {

struct CodePointRange
{
    char32_t first, last;
};
struct CombiningClass
{
    char32_t codePoint;
    unsigned char value;
};
struct Decomposition
{
    char32_t codePoint, first, second; // second is 0 for a singleton
};
struct Composition
{
    char32_t first, second, composite;
};
struct CaseMapping
{
    char32_t codePoint, mapped;
};

#include "engine/tokenizer/UnicodeTables.inc"

template <std::size_t N> bool inRanges(const CodePointRange (&table)[N], char32_t codePoint)
{
    const auto found = std::upper_bound(std::begin(table), std::end(table), codePoint,
                                        [](char32_t c, const CodePointRange &range) { return c < range.first; });
    return found != std::begin(table) && codePoint <= std::prev(found)->last;
}

unsigned char combiningClass(char32_t codePoint)
{
    const auto found = std::lower_bound(std::begin(kCombiningClasses), std::end(kCombiningClasses), codePoint,
                                        [](const CombiningClass &entry, char32_t c) { return entry.codePoint < c; });
    return found != std::end(kCombiningClasses) && found->codePoint == codePoint ? found->value : 0;
}

// Hangul syllables decompose and compose by arithmetic.
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

void decompose(char32_t codePoint, std::vector<char32_t> &out)
{
    if (codePoint >= kSBase && codePoint < kSBase + kSCount) {
        const char32_t index = codePoint - kSBase;
        out.push_back(kLBase + index / kNCount);
        out.push_back(kVBase + (index % kNCount) / kTCount);
        if (index % kTCount != 0)
            out.push_back(kTBase + index % kTCount);
        return;
    }
    const auto found = std::lower_bound(std::begin(kDecompositions), std::end(kDecompositions), codePoint,
                                        [](const Decomposition &entry, char32_t c) { return entry.codePoint < c; });
    if (found == std::end(kDecompositions) || found->codePoint != codePoint) {
        out.push_back(codePoint);
        return;
    }
    decompose(found->first, out);
    if (found->second != 0)
        decompose(found->second, out);
}

char32_t compose(char32_t first, char32_t second)
{
    if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount)
        return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
    if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 && second > kTBase &&
        second < kTBase + kTCount)
        return first + (second - kTBase);
    const auto found = std::lower_bound(std::begin(kCompositions), std::end(kCompositions),
                                        Composition{first, second, 0}, [](const Composition &a, const Composition &b) {
                                            return a.first < b.first || (a.first == b.first && a.second < b.second);
                                        });
    return found != std::end(kCompositions) && found->first == first && found->second == second ? found->composite : 0;
}

} // namespace

bool isLetter(char32_t codePoint)
{
    if (codePoint < 0x80)
        return (codePoint | 0x20) >= 'a' && (codePoint | 0x20) <= 'z';
    return inRanges(kLetterRanges, codePoint);
}

bool isNumber(char32_t codePoint)
{
    if (codePoint < 0x80)
        return codePoint >= '0' && codePoint <= '9';
    return inRanges(kNumberRanges, codePoint);
}

bool isWhiteSpace(char32_t codePoint)
{
    return inRanges(kWhiteSpaceRanges, codePoint);
}

bool isPunctuation(char32_t codePoint)
{
    return inRanges(kPunctuationRanges, codePoint);
}

bool isNonspacingMark(char32_t codePoint)
{
    return inRanges(kNonspacingMarkRanges, codePoint);
}

bool isOther(char32_t codePoint)
{
    return inRanges(kOtherRanges, codePoint);
}

bool isSpaceSeparator(char32_t codePoint)
{
    return inRanges(kSpaceSeparatorRanges, codePoint);
}

char32_t toLower(char32_t codePoint)
{
    if (codePoint < 0x80)
        return codePoint >= 'A' && codePoint <= 'Z' ? codePoint + 32 : codePoint;
    const auto found = std::lower_bound(std::begin(kLowercase), std::end(kLowercase), codePoint,
                                        [](const CaseMapping &entry, char32_t c) { return entry.codePoint < c; });
    return found != std::end(kLowercase) && found->codePoint == codePoint ? found->mapped : codePoint;
}

std::u32string decomposeCanonically(char32_t codePoint)
{
    std::vector<char32_t> points;
    decompose(codePoint, points);
    return std::u32string(points.begin(), points.end());
}

char32_t decodeUtf8(std::string_view text, std::size_t &position)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(position);
    if (lead < 0x80) {
        ++position;
        return lead;
    }
    // The lead byte decides the length and the range of the second byte (no overlongs, surrogates or values
    // above U+10FFFF). A broken sequence is replaced as a whole up to where it went wrong (the "maximal
    // subpart" rule that lossy decoders follow).
    int length = 0;
    char32_t codePoint = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        ++position;
        return 0xFFFD;
    }
    for (int i = 1; i < length; ++i) {
        if (position + i >= text.size() || byte(position + i) < low || byte(position + i) > high) {
            position += i;
            return 0xFFFD;
        }
        codePoint = (codePoint << 6) | (byte(position + i) & 0x3F);
        low = 0x80;
        high = 0xBF;
    }
    position += length;
    return codePoint;
}

void appendUtf8(std::string &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (codePoint >> 6)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else if (codePoint < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (codePoint >> 12)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (codePoint >> 18)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    }
}

std::size_t completeUtf8Prefix(std::string_view text)
{
    // Look back over at most three continuation bytes for the lead byte of the last character.
    std::size_t end = text.size();
    for (std::size_t back = 1; back <= 4 && back <= end; ++back) {
        const auto byte = static_cast<unsigned char>(text[end - back]);
        if ((byte & 0xC0) == 0x80)
            continue;
        const std::size_t needed = byte < 0x80             ? 1
                                   : (byte & 0xE0) == 0xC0 ? 2
                                   : (byte & 0xF0) == 0xE0 ? 3
                                   : (byte & 0xF8) == 0xF0 ? 4
                                                           : 1;
        return back >= needed ? end : end - back;
    }
    return end;
}

std::string toNfc(std::string_view text)
{
    // Fast path: ASCII is always NFC.
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return std::string(text);

    std::vector<char32_t> points;
    for (std::size_t position = 0; position < text.size();)
        decompose(decodeUtf8(text, position), points);
    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    for (std::size_t i = 0; i < points.size();) {
        if (combiningClass(points[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < points.size() && combiningClass(points[j]) != 0)
            ++j;
        std::stable_sort(points.begin() + long(i), points.begin() + long(j),
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    // Canonical composition: a character joins the last starter unless something in between blocks it
    // (a character of the same or a higher combining class, or a starter).
    std::vector<char32_t> composed;
    composed.reserve(points.size());
    std::size_t starter = SIZE_MAX;
    int lastClass = -1; // combining class of the last character kept after the starter; -1: none yet
    for (const char32_t codePoint : points) {
        const int ccc = combiningClass(codePoint);
        if (starter != SIZE_MAX && (lastClass == -1 || lastClass < ccc)) {
            if (const char32_t combined = compose(composed[starter], codePoint)) {
                composed[starter] = combined;
                continue;
            }
        }
        if (ccc == 0) {
            starter = composed.size();
            lastClass = -1;
        } else {
            lastClass = ccc;
        }
        composed.push_back(codePoint);
    }
    std::string out;
    out.reserve(text.size());
    for (const char32_t codePoint : composed)
        appendUtf8(out, codePoint);
    return out;
}

} // namespace mtm::engine::unicode
