#include "engine/tokenizer/ByteLevel.h"

#include "engine/tokenizer/Unicode.h"

#include <array>
#include <unordered_map>

namespace mtm::engine::bytelevel {
namespace {

struct Alphabet
{
    std::array<std::string, 256> spelling;
    std::unordered_map<char32_t, unsigned char> byteOf;

    Alphabet()
    {
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t codePoint = printable ? char32_t(b) : next++;
            unicode::appendUtf8(spelling[b], codePoint);
            byteOf[codePoint] = static_cast<unsigned char>(b);
        }
    }
};

const Alphabet &alphabet()
{
    static const Alphabet instance;
    return instance;
}

} // namespace

std::string encode(std::string_view bytes)
{
    const Alphabet &table = alphabet();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes)
        out += table.spelling[static_cast<unsigned char>(c)];
    return out;
}

std::string decode(std::string_view spelled)
{
    const Alphabet &table = alphabet();
    std::string out;
    out.reserve(spelled.size());
    for (std::size_t position = 0; position < spelled.size();) {
        const std::size_t start = position;
        const char32_t codePoint = unicode::decodeUtf8(spelled, position);
        const auto found = table.byteOf.find(codePoint);
        if (found != table.byteOf.end())
            out.push_back(static_cast<char>(found->second));
        else
            out.append(spelled.substr(start, position - start));
    }
    return out;
}

} // namespace mtm::engine::bytelevel
