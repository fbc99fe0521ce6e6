#include "engine/tokenizer/Tokenizer.h"

#include "engine/EngineError.h"
#include "engine/tokenizer/ByteLevel.h"
#include "engine/tokenizer/Unicode.h"

#include <algorithm>

namespace mtm::engine {
namespace {

const std::string kSpaceMark = "\xE2\x96\x81"; // ▁

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Makes text valid UTF-8, replacing each broken sequence by U+FFFD as lossy decoders do.
std::string repairUtf8(const std::string &text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t position = 0; position < text.size();) {
        const std::size_t start = position;
        const char32_t codePoint = unicode::decodeUtf8(text, position);
        if (codePoint == 0xFFFD && !(position - start == 3 && text.compare(start, 3, "\xEF\xBF\xBD") == 0))
            out += "\xEF\xBF\xBD";
        else
            out.append(text, start, position - start);
    }
    return out;
}

} // namespace

Tokenizer::Tokenizer(std::unique_ptr<BpeModel> model, std::vector<AddedToken> addedTokens, Settings settings)
    : m_model(std::move(model))
    , m_addedTokens(std::move(addedTokens))
    , m_settings(std::move(settings))
{
    if (m_settings.kind == Kind::ByteLevel && !m_settings.preTokenizer)
        throw EngineError("A byte-level tokenizer needs a pre-tokenizer");
    m_addedTokens.erase(std::remove_if(m_addedTokens.begin(), m_addedTokens.end(),
                                       [](const AddedToken &token) { return token.content.empty(); }),
                        m_addedTokens.end());
    std::stable_sort(m_addedTokens.begin(), m_addedTokens.end(),
                     [](const AddedToken &a, const AddedToken &b) { return a.content.size() > b.content.size(); });
}

std::int32_t Tokenizer::vocabularySize() const
{
    std::int32_t size = m_model->size();
    for (const AddedToken &token : m_addedTokens)
        size = std::max(size, token.id + 1);
    return size;
}

const AddedToken *Tokenizer::addedToken(std::int32_t id) const
{
    for (const AddedToken &token : m_addedTokens) {
        if (token.id == id)
            return &token;
    }
    return nullptr;
}

bool Tokenizer::isSpecial(std::int32_t id) const
{
    const AddedToken *token = addedToken(id);
    return token && token->special;
}

std::optional<std::int32_t> Tokenizer::idOf(std::string_view piece) const
{
    for (const AddedToken &token : m_addedTokens) {
        if (token.content == piece)
            return token.id;
    }
    return m_model->id(piece);
}

std::string Tokenizer::piece(std::int32_t id) const
{
    if (const AddedToken *token = addedToken(id))
        return token->content;
    if (id < 0 || id >= m_model->size())
        throw EngineError("The token id " + std::to_string(id) + " is outside the vocabulary (0 to " +
                          std::to_string(vocabularySize() - 1) + ")");
    return m_model->token(id);
}

void Tokenizer::encodeText(std::string_view text, bool firstText, std::vector<std::int32_t> &out) const
{
    if (text.empty())
        return;
    if (m_settings.kind == Kind::SentencePiece) {
        std::string escaped;
        const bool prefix = m_settings.spacePrefix == SpacePrefix::AfterEverySpecial ||
                            (m_settings.spacePrefix == SpacePrefix::First && firstText);
        if (prefix)
            escaped = kSpaceMark;
        for (const char c : text) {
            if (c == ' ')
                escaped += kSpaceMark;
            else
                escaped.push_back(c);
        }
        m_model->encode(escaped, out);
        return;
    }
    const std::string normalized = m_settings.nfc ? unicode::toNfc(text) : std::string(text);
    for (const std::string_view piece : preTokenize(*m_settings.preTokenizer, normalized))
        m_model->encode(bytelevel::encode(piece), out);
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, const EncodeOptions &options) const
{
    std::vector<std::int32_t> ids;
    if (options.addSpecialTokens && m_settings.addBos && m_settings.bos)
        ids.push_back(*m_settings.bos);

    // Split out the added tokens (longest first at each position), then tokenise the text between them.
    bool firstText = true;
    std::size_t textStart = 0;
    std::size_t position = 0;
    auto flushText = [&](std::size_t end) {
        encodeText(text.substr(textStart, end - textStart), firstText, ids);
        if (end > textStart)
            firstText = false;
    };
    while (position < text.size()) {
        const AddedToken *match = nullptr;
        for (const AddedToken &token : m_addedTokens) {
            if ((!token.special || options.parseSpecial) &&
                text.compare(position, token.content.size(), token.content) == 0) {
                match = &token;
                break;
            }
        }
        if (!match) {
            ++position;
            continue;
        }
        std::size_t textEnd = position;
        if (match->leftStrip) {
            while (textEnd > textStart && isAsciiSpace(text[textEnd - 1]))
                --textEnd;
        }
        flushText(textEnd);
        ids.push_back(match->id);
        firstText = false;
        position += match->content.size();
        if (match->rightStrip) {
            while (position < text.size() && isAsciiSpace(text[position]))
                ++position;
        }
        textStart = position;
    }
    flushText(text.size());

    if (options.addSpecialTokens && m_settings.addEos && m_settings.eos)
        ids.push_back(*m_settings.eos);
    return ids;
}

std::string Tokenizer::tokenBytes(std::int32_t id) const
{
    if (const AddedToken *token = addedToken(id))
        return token->content;
    const std::string spelling = piece(id);
    if (m_settings.kind == Kind::ByteLevel)
        return bytelevel::decode(spelling);
    if (const int byte = m_model->fallbackByte(id); byte >= 0)
        return std::string(1, static_cast<char>(byte));
    std::string bytes;
    for (std::size_t i = 0; i < spelling.size();) {
        if (spelling.compare(i, kSpaceMark.size(), kSpaceMark) == 0) {
            bytes.push_back(' ');
            i += kSpaceMark.size();
        } else {
            bytes.push_back(spelling[i++]);
        }
    }
    return bytes;
}

std::string Tokenizer::decode(const std::vector<std::int32_t> &ids, bool skipSpecial) const
{
    std::string bytes;
    for (const std::int32_t id : ids) {
        if (skipSpecial && isSpecial(id))
            continue;
        bytes += tokenBytes(id);
    }
    if (stripsLeadingSpaceOnDecode() && !bytes.empty() && bytes.front() == ' ')
        bytes.erase(0, 1);
    return repairUtf8(bytes);
}

StreamingDecoder::StreamingDecoder(const Tokenizer &tokenizer, bool skipSpecial)
    : m_tokenizer(tokenizer)
    , m_skipSpecial(skipSpecial)
{}

std::string StreamingDecoder::push(std::int32_t id)
{
    if (m_skipSpecial && m_tokenizer.isSpecial(id))
        return {};
    m_pending += m_tokenizer.tokenBytes(id);
    if (m_first && !m_pending.empty()) {
        if (m_tokenizer.stripsLeadingSpaceOnDecode() && m_pending.front() == ' ')
            m_pending.erase(0, 1);
        m_first = m_pending.empty();
    }
    const std::size_t complete = unicode::completeUtf8Prefix(m_pending);
    std::string ready = repairUtf8(m_pending.substr(0, complete));
    m_pending.erase(0, complete);
    return ready;
}

std::string StreamingDecoder::finish()
{
    std::string rest = repairUtf8(m_pending);
    m_pending.clear();
    return rest;
}

} // namespace mtm::engine
